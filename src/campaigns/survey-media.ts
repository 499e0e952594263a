import type { Connection } from 'mongoose';
import type { ConversationState } from '../conversation';
import { mediaModels } from '../media/models';
import { deleteMedia } from '../media/media-store';

/** What a survey's photos carry where a case's would carry its reference: the media purge keeps them. */
export const surveyMediaMark = (surveyId: string) => `survey:${surveyId}`;

/** Photos of a run: answered, or being taken. */
export function mediaOfRun(run: NonNullable<ConversationState['run']>): string[] {
  const photos = Array.isArray(run.answers.photos) ? run.answers.photos : [];
  return [...photos.filter((p): p is string => typeof p === 'string'), ...(run.draft?.photos ?? [])];
}

export async function markSurveyMedia(connection: Connection, surveyId: string, mediaIds: string[]) {
  if (mediaIds.length === 0) return;
  await mediaModels(connection).Media.updateMany(
    { _id: { $in: mediaIds }, caseReference: { $exists: false } },
    { $set: { caseReference: surveyMediaMark(surveyId) } },
  );
}

/** A survey's photos, deleted (erasure). */
export async function deleteSurveyMedia(connection: Connection, surveyId: string): Promise<number> {
  const media = mediaModels(connection);
  const found = await media.Media.find({ caseReference: surveyMediaMark(surveyId) }, { _id: 1 }).lean();
  for (const item of found) await deleteMedia(media, item._id);
  return found.length;
}
