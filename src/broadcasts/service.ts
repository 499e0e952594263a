import { randomUUID } from 'node:crypto';
import { PublicError } from '../errors';
import { countAudience, type AudienceCount } from './audience';
import { passGate } from './claims';
import { contentOf } from './content';
import type { BroadcastContext } from './context';
import type { BroadcastDoc, BroadcastStatus, ChunkDoc } from './models';
import { planQuota, quotaSnapshot, type QuotaPlan } from './quota';
import type { CreateBroadcastBody } from './schemas';
import { chunkCounts } from './runner';

export type Estimate = {
  audience: AudienceCount & { note: string };
  /** LINE counts one message per recipient of a multicast, whatever it holds. */
  messages: number;
  chunks: number;
  quota: QuotaPlan;
};

export async function estimateBroadcast(
  ctx: BroadcastContext,
  body: Pick<CreateBroadcastBody, 'audience' | 'messages' | 'images'>,
): Promise<Estimate> {
  const languages = Object.keys(contentOf(body));
  const [audience, snapshot] = await Promise.all([
    countAudience(ctx.connection, body.audience, languages),
    quotaSnapshot(ctx.connection, ctx.lineApi),
  ]);
  const chunks = Object.values(audience.byLanguage).reduce(
    (sum, n) => sum + Math.ceil(n / ctx.options.chunkSize),
    0,
  );
  return {
    audience: {
      ...audience,
      note: 'byLanguage counts the message each recipient gets: theirs, or Thai when it has no text in their language.',
    },
    messages: audience.total,
    chunks,
    quota: planQuota(snapshot, audience.total, ctx.options),
  };
}

export type Actor = { id: string; role: string };

/**
 * Validates the quota and stores the broadcast as scheduled (for now, when no time is given).
 * Over the quota it is refused unless an admin overrides; even then chunks wait rather than eat
 * into the reserve kept for case status updates.
 */
export async function createBroadcast(
  ctx: BroadcastContext,
  body: CreateBroadcastBody,
  actor: Actor,
): Promise<{ broadcast: BroadcastDoc | null; estimate: Estimate }> {
  const estimate = await estimateBroadcast(ctx, body);
  const override = !estimate.quota.fits && body.overrideQuota;
  if (!estimate.quota.fits && !body.dryRun) {
    if (!body.overrideQuota) {
      throw new PublicError(
        409,
        'quota_exceeded',
        `This broadcast costs ${estimate.messages} messages but only ${estimate.quota.availableForBroadcasts} are left for broadcasts this month. An admin may send it anyway with overrideQuota.`,
        estimate,
      );
    }
    if (actor.role !== 'admin') {
      throw new PublicError(
        403,
        'quota_override_forbidden',
        'Only an admin may override the quota.',
        estimate,
      );
    }
  }
  if (body.dryRun) return { broadcast: null, estimate };
  const now = ctx.clock();
  const scheduledAt = body.scheduledAt ? new Date(body.scheduledAt) : now;
  const doc = await ctx.models.Broadcast.create({
    _id: randomUUID(),
    status: 'scheduled',
    audience: body.audience,
    content: contentOf(body),
    scheduledAt: scheduledAt < now ? now : scheduledAt,
    createdAt: now,
    createdBy: actor,
    quotaOverriddenBy: override ? actor.id : null,
    estimate,
  });
  return { broadcast: doc.toObject() as BroadcastDoc, estimate };
}

/** Cancels a broadcast that has not started; once one has, it cannot be. */
export async function cancelBroadcast(ctx: BroadcastContext, id: string): Promise<BroadcastDoc> {
  const broadcast = await ctx.models.Broadcast.findById(id).lean<BroadcastDoc>();
  if (!broadcast) throw notFound();
  if (broadcast.status !== 'scheduled' && broadcast.status !== 'cancelled')
    throw alreadyStarted(broadcast.status);
  const outcome = await passGate(ctx.models, id, 'cancelled', ctx.owner, ctx.clock());
  if (outcome !== 'cancelled') throw alreadyStarted('preparing');
  const cancelledAt = broadcast.cancelledAt ?? ctx.clock();
  await ctx.models.Broadcast.updateOne({ _id: id }, { $set: { status: 'cancelled', cancelledAt } });
  return { ...broadcast, status: 'cancelled', cancelledAt };
}

const notFound = () => new PublicError(404, 'broadcast_not_found', 'No broadcast has this id.');
const alreadyStarted = (status: BroadcastStatus) =>
  new PublicError(409, 'broadcast_started', 'This broadcast has started and can no longer be cancelled.', {
    status,
  });

export function broadcastView(doc: BroadcastDoc) {
  return {
    id: doc._id,
    status: doc.status,
    audience: doc.audience,
    content: doc.content,
    scheduledAt: doc.scheduledAt.toISOString(),
    createdAt: doc.createdAt.toISOString(),
    createdBy: doc.createdBy,
    quotaOverriddenBy: doc.quotaOverriddenBy,
    startedAt: doc.startedAt?.toISOString() ?? null,
    preparedAt: doc.preparedAt?.toISOString() ?? null,
    finishedAt: doc.finishedAt?.toISOString() ?? null,
    cancelledAt: doc.cancelledAt?.toISOString() ?? null,
    totals: doc.totals ? { chunks: doc.totals.chunks, recipients: doc.totals.recipients } : null,
  };
}

/** The broadcast with its chunks (counts; the recipients' ids are kept apart). */
export async function broadcastDetail(ctx: BroadcastContext, id: string) {
  const doc = await ctx.models.Broadcast.findById(id).lean<BroadcastDoc>();
  if (!doc) throw notFound();
  const chunks = await ctx.models.Chunk.find({ broadcastId: id }, { retryKey: 0 })
    .sort({ index: 1 })
    .lean<Omit<ChunkDoc, 'retryKey'>[]>();
  const progress = { queued: 0, sent: 0, failed: 0, skipped: 0, recipientsSent: 0 };
  for (const chunk of chunks) {
    progress[chunk.status] += 1;
    if (chunk.status === 'sent') progress.recipientsSent += chunk.recipientCount;
  }
  return {
    ...broadcastView(doc),
    estimate: doc.estimate,
    progress,
    chunks: chunks.map((chunk) => ({
      index: chunk.index,
      language: chunk.language,
      recipients: chunk.recipientCount,
      status: chunk.status,
      attempts: chunk.attempts,
      sentAt: chunk.sentAt?.toISOString() ?? null,
      acceptedBefore: chunk.acceptedBefore,
      nextAttemptAt: chunk.nextAttemptAt?.toISOString() ?? null,
      error: chunk.error ?? null,
    })),
  };
}

export async function listBroadcasts(
  ctx: BroadcastContext,
  query: { status?: BroadcastStatus; limit: number },
) {
  const docs = await ctx.models.Broadcast.find(query.status ? { status: query.status } : {})
    .sort({ createdAt: -1 })
    .limit(query.limit)
    .lean<BroadcastDoc[]>();
  return Promise.all(
    docs.map(async (doc) => ({ ...broadcastView(doc), chunkCounts: await chunkCounts(ctx, doc._id) })),
  );
}
