import type { Connection } from 'mongoose';
import { caseModels } from '../cases/create-case';
import { handoffModel } from '../handoffs/model';
import { ingestionModels } from '../ingestion/models';
import { deleteMedia } from '../media/media-store';
import { mediaModels } from '../media/models';

/** How many files one run looks at: the job runs hourly, a backlog goes over a few runs. */
const BATCH = 500;

/**
 * Removes LINE media that nothing refers to any more: no case, no report in progress (the chat's
 * state), no open hand-off. Media joins a case when the case is created (`caseReference`); files
 * of earlier versions are matched against the person's cases here and marked, never removed.
 * `userId` limits it to one person (consent withdrawn: no grace).
 */
export async function purgeUnusedMedia(
  connection: Connection,
  { olderThan, userId }: { olderThan: Date; userId?: string },
): Promise<{ removed: number; kept: number }> {
  const { Media } = mediaModels(connection);
  const media = mediaModels(connection);
  const { cases } = caseModels(connection);
  const { Chat } = ingestionModels(connection);
  const handoffs = handoffModel(connection);
  const candidates = await Media.find(
    {
      source: 'line',
      caseReference: { $exists: false },
      createdAt: { $lt: olderThan },
      ...(userId ? { userId } : {}),
    },
    { _id: 1, userId: 1, chatKey: 1 },
  )
    .limit(BATCH)
    .lean();
  const byUser = new Map<string, typeof candidates>();
  for (const item of candidates)
    byUser.set(item.userId ?? '', [...(byUser.get(item.userId ?? '') ?? []), item]);

  let removed = 0;
  let kept = 0;
  for (const [owner, items] of byUser) {
    if (owner && (await handoffs.exists({ _id: owner, status: 'open' }))) {
      kept += items.length;
      continue;
    }
    const chat = owner ? await Chat.findById(`user:${owner}`, { state: 1 }).lean() : null;
    const inProgress = JSON.stringify(chat?.state ?? {});
    const theirCases = owner
      ? await cases
          .find(
            {
              $or: [
                { 'reporter.lineUserId': owner },
                { 'volunteer.lineUserId': owner },
                { 'extraReporters.lineUserId': owner },
              ],
            },
            { reference: 1, mediaIds: 1, description: 1, timeline: 1 },
          )
          .lean()
      : [];
    for (const item of items) {
      if (inProgress.includes(item._id)) {
        kept++;
        continue;
      }
      const holder = theirCases.find((found) => JSON.stringify(found).includes(item._id));
      if (holder) {
        await Media.updateOne({ _id: item._id }, { $set: { caseReference: holder.reference } });
        kept++;
        continue;
      }
      await deleteMedia(media, item._id);
      removed++;
    }
  }
  return { removed, kept };
}
