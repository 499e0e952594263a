import { setTimeout as sleep } from 'node:timers/promises';
import { lineModels } from '../line/models';
import { classifyLineError } from '../line/line-api';
import { takeClaim } from './claims';
import { lineMessages } from './content';
import type { BroadcastContext } from './context';
import type { BroadcastDoc, ChunkDoc } from './models';

export type ChunkOutcome =
  | 'sent'
  | 'failed'
  | 'skipped'
  /** Another runner is on it. */
  | 'busy'
  /** Retryable failures this run; a later run tries again with the same key. */
  | 'deferred'
  | 'waiting_quota'
  /** Finished by an earlier run. */
  | 'already_done';

/** What broadcasts may still spend; null when the plan is unlimited. */
export type Budget = { take(messages: number): boolean };

export const unlimitedBudget: Budget = { take: () => true };

export function budgetOf(available: number | null): Budget {
  if (available === null) return unlimitedBudget;
  let left = available;
  return {
    take(messages) {
      if (messages > left) return false;
      left -= messages;
      return true;
    },
  };
}

const backoff = (base: number, attempt: number) =>
  Math.min(base * 2 ** Math.max(0, attempt - 1), 600_000) * (0.5 + Math.random());

/**
 * Sends one chunk at most once: the claim keeps two runners off the same chunk at the same time,
 * and every attempt carries the chunk's stored retry key, so a resend after a crash answers 409.
 */
export async function sendChunk(
  ctx: BroadcastContext,
  broadcast: Pick<BroadcastDoc, '_id' | 'content'>,
  id: string,
  budget: Budget,
  /** Who unfollowed since the audience was read: dropped before the first attempt. */
  unfollowed: ReadonlySet<string>,
): Promise<ChunkOutcome> {
  const { Chunk } = ctx.models;
  const claim = await takeClaim(ctx.models, `chunk:${id}`, ctx.owner, ctx.options.chunkClaimMs, ctx.clock);
  if (!claim) return 'busy';
  const chunk = await Chunk.findById(id).lean<ChunkDoc>();
  if (!chunk || chunk.status !== 'queued') return 'already_done';

  const now = ctx.clock();
  if (
    chunk.firstAttemptAt &&
    now.getTime() - chunk.firstAttemptAt.getTime() > ctx.options.retryKeyLifetimeMs
  ) {
    // LINE has forgotten the key: resending might deliver a second time, so it is not done.
    await finish(ctx, id, 'failed', {
      error: { status: null, message: 'outcome unknown and the retry key has expired: not resent' },
    });
    return 'failed';
  }
  if (!budget.take(chunk.recipientCount)) {
    await claim.release();
    return 'waiting_quota';
  }

  const stored = await ctx.models.ChunkRecipients.findById(id).lean();
  let recipients = stored?.recipients ?? [];
  if (!chunk.recipientsFinal) {
    const kept = recipients.filter((userId) => !unfollowed.has(userId));
    if (kept.length !== recipients.length) {
      recipients = kept;
      await ctx.models.ChunkRecipients.updateOne({ _id: id }, { $set: { recipients } });
    }
    if (recipients.length === 0) {
      await finish(ctx, id, 'skipped', {});
      return 'skipped';
    }
  }

  const messages = lineMessages(broadcast.content[chunk.language] ?? broadcast.content.th!);
  let attempts = chunk.attempts;
  for (let inRun = 1; ; inRun++) {
    attempts += 1;
    const at = ctx.clock();
    await Chunk.updateOne(
      { _id: id },
      {
        $set: {
          attempts,
          lastAttemptAt: at,
          firstAttemptAt: chunk.firstAttemptAt ?? at,
          recipientsFinal: true,
          recipientCount: recipients.length,
        },
      },
    );
    await ctx.limiter.acquire();
    try {
      await ctx.lineApi.call(({ client }) => client.multicast({ to: recipients, messages }, chunk.retryKey));
      await finish(ctx, id, 'sent', { sentAt: ctx.clock() });
      return 'sent';
    } catch (error) {
      const failure = classifyLineError(error);
      if (failure.kind === 'accepted_before') {
        await finish(ctx, id, 'sent', { sentAt: ctx.clock(), acceptedBefore: true });
        return 'sent';
      }
      if (failure.kind === 'rejected' || failure.kind === 'invalid_reply_token') {
        const status = failure.kind === 'rejected' ? failure.status : 400;
        const message = failure.kind === 'rejected' ? failure.message : 'rejected';
        await finish(ctx, id, 'failed', { error: { status, message } });
        ctx.logger.warn(
          { broadcastId: broadcast._id, chunk: chunk.index, status },
          'broadcast chunk rejected',
        );
        return 'failed';
      }
      const status = 'status' in failure ? (failure.status ?? null) : null;
      const message =
        failure.kind === 'rate_limited' ? 'rate limited or monthly limit reached' : failure.message;
      if (attempts >= ctx.options.maxAttempts) {
        await finish(ctx, id, 'failed', { error: { status, message: `gave up: ${message}` } });
        return 'failed';
      }
      if (inRun >= ctx.options.attemptsPerRun) {
        await Chunk.updateOne(
          { _id: id },
          {
            $set: {
              error: { status, message },
              nextAttemptAt: new Date(ctx.clock().getTime() + backoff(ctx.options.backoffMs, attempts)),
            },
          },
        );
        await claim.release();
        return 'deferred';
      }
      await sleep(backoff(ctx.options.backoffMs, inRun));
      await claim.renew();
    }
  }
}

async function finish(
  ctx: BroadcastContext,
  id: string,
  status: ChunkDoc['status'],
  fields: Partial<Pick<ChunkDoc, 'sentAt' | 'acceptedBefore' | 'error'>>,
): Promise<void> {
  await ctx.models.Chunk.updateOne({ _id: id }, { $set: { status, nextAttemptAt: null, ...fields } });
}

/**
 * Users who unfollowed after `since` (the audience was read then): a handful, where asking about
 * each chunk's 500 ids would scan the users collection once per chunk on FerretDB.
 */
export async function unfollowedSince(ctx: BroadcastContext, since: Date): Promise<Set<string>> {
  const users = await lineModels(ctx.connection)
    .LineUser.find({ followed: false, unfollowedAt: { $gte: since } }, { _id: 1 })
    .lean();
  return new Set(users.map((user) => user._id));
}
