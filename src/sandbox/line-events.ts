import type { RichMenuSwitchStatus } from '../line-emulator/types';
import { buildEvent, type EventOptions } from '../line-emulator/webhook-client';
import type { SandboxAction } from './actions';

export type EventContext = {
  /** A follow after a block says `isUnblocked`, as on LINE. */
  wasBlocked: boolean;
  /** How LINE's switch went, for a richmenuswitch tap. */
  switchStatus?: RichMenuSwitchStatus;
};

/**
 * The LINE webhook event for one page action, as LINE sends it for a one-to-one chat. `options`
 * carries the reply token (the emulator's, so the bot's reply works), event id and timestamp.
 */
export function eventForAction(
  action: SandboxAction,
  options: EventOptions & { messageId: string },
  context: EventContext,
) {
  switch (action.type) {
    case 'text':
      return buildEvent.text({ ...options, text: action.text });
    case 'sticker':
      return buildEvent.sticker({ ...options, packageId: action.packageId, stickerId: action.stickerId });
    case 'location':
      return buildEvent.location({
        ...options,
        latitude: action.latitude,
        longitude: action.longitude,
        ...(action.title ? { title: action.title } : {}),
        ...(action.address ? { address: action.address } : {}),
      });
    case 'postback':
      return buildEvent.postback({
        ...options,
        data: action.data,
        ...(action.params ? { params: action.params } : {}),
      });
    case 'richmenuswitch':
      return buildEvent.postback({
        ...options,
        data: action.data,
        params: { newRichMenuAliasId: action.richMenuAliasId, status: context.switchStatus ?? 'FAILED' },
      });
    case 'follow':
      return buildEvent.follow({ ...options, isUnblocked: context.wasBlocked });
    case 'unfollow':
      return buildEvent.unfollow(options);
  }
}
