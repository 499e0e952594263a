import { passGate, takeClaim, type Claim } from './claims';
import { broadcastContext, type BroadcastContext, type BroadcastDeps } from './context';
import { UNFINISHED, type BroadcastDoc, type BroadcastStatus } from './models';
import { prepareChunks } from './prepare';
import { planQuota, quotaSnapshot } from './quota';
import { budgetOf, sendChunk, unfollowedSince, type ChunkOutcome } from './send-chunk';

/** An unfollow event may be applied a little after LINE sent it. */
const UNFOLLOW_MARGIN_MS = 10 * 60_000;

export type RunResult = {
  broadcastId: string;
  /** What happened: not due yet, cancelled, another runner holds it, or the status it reached. */
  outcome: 'not_found' | 'not_due' | 'cancelled' | 'busy' | BroadcastStatus;
  chunks: Partial<Record<ChunkOutcome, number>>;
};

/**
 * Starts (when due) or resumes one broadcast: prepares its chunks if that is not done, then sends
 * every queued chunk that is due. Safe to call from several instances and after a crash.
 */
export async function runBroadcast(deps: BroadcastDeps, broadcastId: string, now?: Date): Promise<RunResult> {
  return runWith(broadcastContext(deps), broadcastId, now);
}

/** For the scheduled job: starts scheduled broadcasts whose time has come and resumes interrupted ones. */
export async function runDueBroadcasts(deps: BroadcastDeps, now: Date): Promise<Record<string, unknown>> {
  const ctx = broadcastContext(deps);
  const due = await ctx.models.Broadcast.find(
    {
      $or: [{ status: 'scheduled', scheduledAt: { $lte: now } }, { status: { $in: UNFINISHED } }],
    },
    { _id: 1 },
  )
    .sort({ scheduledAt: 1 })
    .lean();
  const summary: Record<string, number> = { broadcasts: due.length };
  for (const { _id } of due) {
    const result = await runWith(ctx, _id, now);
    summary[result.outcome] = (summary[result.outcome] ?? 0) + 1;
    for (const [outcome, count] of Object.entries(result.chunks)) {
      summary[`chunks_${outcome}`] = (summary[`chunks_${outcome}`] ?? 0) + count;
    }
  }
  return summary;
}

async function runWith(ctx: BroadcastContext, broadcastId: string, now = ctx.clock()): Promise<RunResult> {
  const { Broadcast } = ctx.models;
  const result = (outcome: RunResult['outcome'], chunks: RunResult['chunks'] = {}): RunResult => ({
    broadcastId,
    outcome,
    chunks,
  });
  const broadcast = await Broadcast.findById(broadcastId).lean<BroadcastDoc>();
  if (!broadcast) return result('not_found');
  if (broadcast.status === 'scheduled') {
    if (broadcast.scheduledAt > now) return result('not_due');
    if ((await passGate(ctx.models, broadcastId, 'started', ctx.owner, ctx.clock())) === 'cancelled') {
      await Broadcast.updateOne({ _id: broadcastId }, { $set: { status: 'cancelled' } });
      return result('cancelled');
    }
    await Broadcast.updateOne(
      { _id: broadcastId },
      { $set: { status: 'preparing', startedAt: ctx.clock() } },
    );
  } else if (!UNFINISHED.includes(broadcast.status)) {
    return result(broadcast.status);
  }

  const lease = await takeClaim(ctx.models, `run:${broadcastId}`, ctx.owner, ctx.options.leaseMs, ctx.clock);
  if (!lease) return result('busy');
  try {
    const chunks: RunResult['chunks'] = {};
    const count = (tally: RunResult['chunks']) => {
      for (const [outcome, n] of Object.entries(tally) as [ChunkOutcome, number][])
        chunks[outcome] = (chunks[outcome] ?? 0) + n;
    };
    if (!broadcast.preparedAt) {
      // Each chunk is stored with its retry key before it is handed over: a crash in the middle
      // leaves stored chunks that the next run sends (queued) and the rest to prepare.
      const prepared = createChannel<string>();
      const [totals, early] = await Promise.all([
        prepareChunks(ctx, broadcast, lease, prepared.push).finally(prepared.close),
        // Read just now from users who follow us: no one to drop yet, and no scan of every user.
        sendChunks(ctx, broadcast, lease, prepared, { checkUnfollowed: false }),
      ]);
      count(early);
      await Broadcast.updateOne(
        { _id: broadcastId },
        { $set: { preparedAt: ctx.clock(), totals, status: 'sending' } },
      );
      ctx.logger.info({ broadcastId, ...totals }, 'broadcast prepared');
    }
    if ((chunks.waiting_quota ?? 0) === 0)
      count(
        await sendChunks(ctx, broadcast, lease, await dueChunks(ctx, broadcast), { checkUnfollowed: true }),
      );
    const status = await settle(ctx, broadcastId, (chunks.waiting_quota ?? 0) > 0);
    ctx.logger.info({ broadcastId, status, ...chunks }, 'broadcast run');
    return result(status, chunks);
  } finally {
    await lease.release();
  }
}

/** Queued chunks whose time has come (a retry may wait), in order. */
async function dueChunks(ctx: BroadcastContext, broadcast: BroadcastDoc): Promise<string[]> {
  const queue = await ctx.models.Chunk.find(
    {
      broadcastId: broadcast._id,
      status: 'queued',
      $or: [{ nextAttemptAt: null }, { nextAttemptAt: { $lte: ctx.clock() } }],
    },
    { _id: 1 },
  )
    .sort({ index: 1 })
    .lean();
  return queue.map((chunk) => chunk._id);
}

/** A queue from one producer to several consumers; it ends when closed and drained. */
function createChannel<T>() {
  const items: T[] = [];
  const consumers: ((result: IteratorResult<T, undefined>) => void)[] = [];
  let closed = false;
  return {
    push: (item: T) => {
      const consumer = consumers.shift();
      if (consumer) consumer({ value: item, done: false });
      else items.push(item);
    },
    close: () => {
      closed = true;
      for (const consumer of consumers.splice(0)) consumer({ value: undefined, done: true });
    },
    next: () =>
      new Promise<IteratorResult<T, undefined>>((resolve) => {
        if (items.length > 0) resolve({ value: items.shift()!, done: false });
        else if (closed) resolve({ value: undefined, done: true });
        else consumers.push(resolve);
      }),
  };
}

type ChunkSource = { next(): Promise<IteratorResult<string, undefined>> };

const fromList = (ids: string[]): ChunkSource => ({
  next: () =>
    Promise.resolve(ids.length > 0 ? { value: ids.shift()!, done: false } : { value: undefined, done: true }),
});

/** Sends chunks as they come, `concurrency` at a time, until the source ends or the quota is spent. */
async function sendChunks(
  ctx: BroadcastContext,
  broadcast: BroadcastDoc,
  lease: Claim,
  source: ChunkSource | string[],
  options: { checkUnfollowed: boolean },
): Promise<RunResult['chunks']> {
  const ids = Array.isArray(source) ? fromList(source) : source;
  const tally: RunResult['chunks'] = {};
  const first = await ids.next();
  if (first.done) return tally;
  const plan = planQuota(await quotaSnapshot(ctx.connection, ctx.lineApi), 0, ctx.options);
  const budget = budgetOf(plan.availableForBroadcasts);
  const readFrom = broadcast.startedAt ?? broadcast.createdAt;
  const unfollowed = options.checkUnfollowed
    ? await unfollowedSince(ctx, new Date(readFrom.getTime() - UNFOLLOW_MARGIN_MS))
    : new Set<string>();
  let waiting = false;
  let renewedAt = Date.now();
  let pending: string | undefined = first.value;
  const take = async () => {
    if (pending !== undefined) {
      const id = pending;
      pending = undefined;
      return id;
    }
    const next = await ids.next();
    return next.done ? undefined : next.value;
  };
  const worker = async () => {
    for (let next = await take(); next !== undefined && !waiting; next = await take()) {
      const outcome = await sendChunk(ctx, broadcast, next, budget, unfollowed);
      tally[outcome] = (tally[outcome] ?? 0) + 1;
      // The rest would not fit either: they wait for the next run.
      if (outcome === 'waiting_quota') waiting = true;
      if (Date.now() - renewedAt > ctx.options.leaseMs / 4) {
        renewedAt = Date.now();
        await lease.renew();
      }
    }
  };
  await Promise.all(Array.from({ length: ctx.options.concurrency }, worker));
  return tally;
}

/** The broadcast's status from its chunks. */
async function settle(
  ctx: BroadcastContext,
  broadcastId: string,
  waitingQuota: boolean,
): Promise<BroadcastStatus> {
  const counts = await chunkCounts(ctx, broadcastId);
  const status: BroadcastStatus =
    counts.queued > 0
      ? waitingQuota
        ? 'waiting_quota'
        : 'sending'
      : counts.failed === 0
        ? 'completed'
        : counts.sent + counts.skipped === 0
          ? 'failed'
          : 'completed_with_failures';
  await ctx.models.Broadcast.updateOne(
    { _id: broadcastId },
    { $set: { status, ...(counts.queued === 0 ? { finishedAt: ctx.clock() } : {}) } },
  );
  return status;
}

export async function chunkCounts(ctx: BroadcastContext, broadcastId: string) {
  const rows = await ctx.models.Chunk.aggregate<{ _id: string; chunks: number }>([
    { $match: { broadcastId } },
    { $group: { _id: '$status', chunks: { $sum: 1 } } },
  ]);
  const counts = { queued: 0, sent: 0, failed: 0, skipped: 0 };
  for (const row of rows) counts[row._id as keyof typeof counts] = row.chunks;
  return counts;
}
