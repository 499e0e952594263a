import type { Connection } from 'mongoose';
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
