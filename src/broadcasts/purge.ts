import type { Connection } from 'mongoose';
import { inBatches } from '../db/batches';
import { broadcastModels, type BroadcastDoc, type BroadcastStatus, type ClaimDoc } from './models';

/** Finished for good: no runner, lease or cancel acts on a broadcast in these again. */
const FINISHED_BROADCAST: BroadcastStatus[] = ['completed', 'completed_with_failures', 'failed', 'cancelled'];

/** The broadcast a claim key belongs to: `<id>:gate`, `run:<id>` or `chunk:<id>:<index>`; null for others. */
export function broadcastOfClaim(key: string): string | null {
  if (key.startsWith('run:')) return key.slice('run:'.length) || null;
  if (key.startsWith('chunk:')) return /^chunk:(.+):\d+$/.exec(key)?.[1] ?? null;
  if (key.endsWith(':gate')) return key.slice(0, -':gate'.length) || null;
  return null;
}

type FinishSubject = Pick<BroadcastDoc, 'status' | 'finishedAt' | 'cancelledAt' | 'scheduledAt'>;

/** True when the broadcast ended at or before `cutoff`; a missing one guards nothing either. */
export function broadcastEndedBy(broadcast: FinishSubject | undefined, cutoff: Date): boolean {
  if (!broadcast) return true;
  if (!FINISHED_BROADCAST.includes(broadcast.status)) return false;
  // A cancel cut short between its gate and its write leaves no date: the schedule bounds it.
  const ended = broadcast.finishedAt ?? broadcast.cancelledAt ?? broadcast.scheduledAt;
  return ended <= cutoff;
}

/** A finished broadcast's claims guard nothing once it ended by `cutoff` (see the retention policy). */
export async function purgeBroadcastClaims(connection: Connection, cutoff: Date): Promise<number> {
  const { Broadcast, Claim } = broadcastModels(connection);
  let deleted = 0;
  // A claim is written no later than its broadcast ends, so only old claims can qualify.
  const old = Claim.find({ at: { $lte: cutoff } }, { _id: 1, key: 1 })
    .lean<Pick<ClaimDoc, '_id' | 'key'>[]>()
    .cursor();
  await inBatches(old, async (claims) => {
    const ids = [...new Set(claims.map((c) => broadcastOfClaim(c.key)).filter((id) => id !== null))];
    const broadcasts = await Broadcast.find(
      { _id: { $in: ids } },
      { _id: 1, status: 1, finishedAt: 1, cancelledAt: 1, scheduledAt: 1 },
    ).lean<(FinishSubject & { _id: string })[]>();
    const byId = new Map(broadcasts.map((b) => [b._id, b]));
    const done = claims.filter((claim) => {
      const id = broadcastOfClaim(claim.key);
      return id !== null && broadcastEndedBy(byId.get(id), cutoff);
    });
    if (done.length > 0)
      deleted += (await Claim.deleteMany({ _id: { $in: done.map((c) => c._id) } })).deletedCount;
  });
  return deleted;
}

/** The broadcast of a chunk id `<broadcastId>:<index>` (see `chunkId`); null for anything else. */
export function broadcastOfChunk(id: string): string | null {
  return /^(.+):\d+$/.exec(id)?.[1] ?? null;
}

/**
 * Deletes the recipient lists of broadcasts ended by `cutoff`. Only lists still stored are read, so
 * a run costs what is left, not every broadcast ever sent. Each chunk first loses `lastRecipient`
 * (a LINE user id, only used to resume a preparation), then its list: a run cut short between the
 * two leaves the list, and the next run finishes.
 */
export async function purgeBroadcastRecipients(connection: Connection, cutoff: Date): Promise<number> {
  const { Broadcast, Chunk, ChunkRecipients } = broadcastModels(connection);
  let deleted = 0;
  const lists = ChunkRecipients.find({}, { _id: 1 }).lean<{ _id: string }[]>().cursor();
  await inBatches(lists, async (batch) => {
    const ids = [...new Set(batch.map((list) => broadcastOfChunk(list._id)).filter((id) => id !== null))];
    const broadcasts = await Broadcast.find(
      { _id: { $in: ids } },
      { _id: 1, status: 1, finishedAt: 1, cancelledAt: 1, scheduledAt: 1 },
    ).lean<(FinishSubject & { _id: string })[]>();
    const byId = new Map(broadcasts.map((b) => [b._id, b]));
    const done = batch
      .filter((list) => {
        const id = broadcastOfChunk(list._id);
        return id !== null && broadcastEndedBy(byId.get(id), cutoff);
      })
      .map((list) => list._id);
    if (done.length === 0) return;
    await Chunk.updateMany({ _id: { $in: done } }, { $unset: { lastRecipient: '' } });
    deleted += (await ChunkRecipients.deleteMany({ _id: { $in: done } })).deletedCount;
  });
  return deleted;
}
