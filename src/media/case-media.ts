import type { Connection } from 'mongoose';
import { deleteMedia } from './media-store';
import { mediaModels } from './models';

/** The files of a new or added-to case belong to it: the purge leaves them alone. */
export async function markCaseMedia(
  connection: Connection,
  reference: string,
  mediaIds: string[],
): Promise<void> {
  if (mediaIds.length === 0) return;
  await mediaModels(connection).Media.updateMany(
    { _id: { $in: mediaIds }, caseReference: { $exists: false } },
    { $set: { caseReference: reference } },
  );
}

/**
 * A case's photos and voice notes, its staff photos included, deleted at once, but for those in
 * `keep` (still another case's); how many were deleted.
 */
export async function deleteCaseMedia(
  connection: Connection,
  record: {
    reference: string;
    mediaIds?: string[];
    description?: { voiceMediaId?: string | null };
    timeline?: { mediaIds?: string[] | null }[];
  },
  keep: ReadonlySet<string> = new Set(),
): Promise<number> {
  const media = mediaModels(connection);
  const mediaIds = new Set<string>(record.mediaIds ?? []);
  if (record.description?.voiceMediaId) mediaIds.add(record.description.voiceMediaId);
  for (const entry of record.timeline ?? []) for (const id of entry.mediaIds ?? []) mediaIds.add(id);
  for (const item of await media.Media.find({ caseReference: record.reference }, { _id: 1 }).lean())
    mediaIds.add(item._id);
  for (const id of keep) mediaIds.delete(id);
  for (const id of mediaIds) await deleteMedia(media, id);
  return mediaIds.size;
}
