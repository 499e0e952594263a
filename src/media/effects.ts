import type { EffectHandlers } from '../conversation/effects';
import { deleteMedia } from './media-store';
import type { MediaModels } from './models';

/** Media received but never confirmed (a report cancelled or expired) is deleted. */
export function mediaEffects(media: MediaModels): Pick<EffectHandlers, 'discardMedia'> {
  return {
    async discardMedia(effect) {
      for (const mediaId of effect.mediaIds) await deleteMedia(media, mediaId);
    },
  };
}
