import { randomUUID } from 'node:crypto';
import type { messagingApi } from '@line/bot-sdk';
import type { LineModels, OutboundChunk, OutboundMessageDoc } from './models';
import type { Logger } from '../logger';
import { classifyLineError, type LineApi } from './line-api';
import { duplicateIndexes, isDuplicateKey } from '../db/models';
import { groupCommit } from '../db/group-commit';

/** LINE takes at most 5 message objects per call. */
export const MESSAGES_PER_CALL = 5;
const CLAIM_MS = 30_000;
/**
 * How long the records of replies already sent are tried: a database back within it (a restart, a
 * new primary) loses nothing; the processor sends with at least 20 s of lease left.
 */
const STORE_PERSIST_MS = 15_000;

export type OutgoingBatch = {
  /** Deterministic (e.g. `${eventId}:reply`), so enqueuing twice after a crash stores it once. */
  id: string;
  to: string;
  purpose: string;
  messages: messagingApi.Message[];
  replyToken?: string;
  replyTokenExpiresAt?: Date;
  /** Group notices are only worth a free reply, never a paid push. */
  replyOnly?: boolean;
  eventId?: string;
  caseReference?: string;
  /** Every case a batch speaks of, when it is several (coalesced status updates). */
  caseReferences?: string[];
  priority?: number;
  /**
   * Once delivered (or given up), the stored copy keeps only how many messages there were: for a
   * person's copy of their own data, which must not stay in the message record staff can read.
   */
  forgetContent?: boolean;
};

export type DeliveryResult = 'sent' | 'pending' | 'failed' | 'skipped' | 'busy';

export type SenderDeps = {
  models: LineModels;
  api: LineApi;
  logger: Logger;
  instanceId: string;
  now?: () => Date;
  /** Attempts within one delivery before leaving a chunk to the retry job. */
  inlineAttempts?: number;
  /** Base of the exponential backoff between inline attempts. */
  backoffMs?: number;
};

export type Sender = ReturnType<typeof createSender>;

/**
 * The one way out: reply while the event's token is fresh and unused (free), else push with a retry
 * key stored before the first attempt, so a retry after a crash cannot deliver twice.
 */
export function createSender(deps: SenderDeps) {
  const { models, api, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const inlineAttempts = deps.inlineAttempts ?? 3;
  const backoffMs = deps.backoffMs ?? 200;

  /** The stored form of a batch: every chunk with its retry key, before any attempt. */
  function recordOf(batch: OutgoingBatch, at: Date) {
    const chunks: OutboundChunk[] = [];
    for (let index = 0; index * MESSAGES_PER_CALL < batch.messages.length; index++) {
      chunks.push({ index, retryKey: randomUUID(), status: 'pending', attempts: 0 });
    }
    return {
      to: batch.to,
      purpose: batch.purpose,
      eventId: batch.eventId,
      caseReference: batch.caseReference,
      ...(batch.caseReferences && batch.caseReferences.length > 1
        ? { caseReferences: batch.caseReferences }
        : {}),
      messages: batch.messages,
      replyToken: batch.replyToken,
      replyTokenExpiresAt: batch.replyTokenExpiresAt,
      replyAttempted: false,
      replyOnly: batch.replyOnly ?? false,
      ...(batch.forgetContent ? { forgetContent: true } : {}),
      chunks,
      status: chunks.length === 0 ? ('sent' as const) : ('pending' as const),
      priority: batch.priority ?? 0,
      attempts: 0,
      nextAttemptAt: at,
      createdAt: at,
    };
  }

  /**
   * Stores a batch for `deliver`, claimed by this instance for a while: the retry job of another
   * instance leaves it alone meanwhile (FerretDB 1.24's conditional claims are not atomic, and two
   * deliverers could both reply with one token).
   */
  async function enqueue(batch: OutgoingBatch): Promise<void> {
    const at = now();
    await models.OutboundMessage.updateOne(
      { _id: batch.id },
      {
        $setOnInsert: {
          ...recordOf(batch, at),
          claimOwner: deps.instanceId,
          claimUntil: new Date(at.getTime() + CLAIM_MS),
        },
      },
      { upsert: true },
    ).catch((error: { code?: number }) => {
      // Two instances enqueuing the same batch: the other one stored it.
      if (!isDuplicateKey(error)) throw error;
    });
  }

  /**
   * Stores a batch already claimed by this instance, with its reply marked as attempted when the
   * token is fresh, and delivers it: two writes where enqueue-then-deliver takes four. A crash after
   * the insert leaves the reply unattempted for good, so the retry job pushes (never a second reply).
   * A batch stored before (a retried event) goes the ordinary way.
   */
  async function send(batch: OutgoingBatch): Promise<DeliveryResult> {
    const { claimed, fresh } = claimedRecordOf(batch, now());
    const record = claimed;
    try {
      await models.OutboundMessage.collection.insertOne(claimed as never);
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      return deliver(batch.id);
    }
    if (record.status === 'sent') return 'sent';
    delivering.add(batch.id);
    try {
      return await work(claimed, fresh);
    } finally {
      delivering.delete(batch.id);
    }
  }

  /** A batch as stored by `send`: claimed by this instance, its reply marked attempted when the token is fresh. */
  function claimedRecordOf(batch: OutgoingBatch, at: Date) {
    const fresh = Boolean(batch.replyToken && batch.replyTokenExpiresAt && batch.replyTokenExpiresAt > at);
    const claimed = {
      _id: batch.id,
      ...recordOf(batch, at),
      replyAttempted: fresh,
      attempts: 1,
      claimOwner: deps.instanceId,
      claimUntil: new Date(at.getTime() + CLAIM_MS),
    };
    return { claimed, fresh };
  }

  /**
   * `send` for the messages of a burst of events, in order. On an event's first try, a batch that one
   * reply can carry is replied first and stored with its outcome after (one write for the burst): a
   * crash before that write is a crash after a reply, which the record-first way could not tell from
   * one before it either (both fall back to a push). From the first batch that needs more (no fresh
   * token, more than one call, a failed reply) on, and on every retried event, batches are stored,
   * claimed, before any call, so a push keeps its retry key and a token is never used twice.
   */
  async function sendAll(
    batches: OutgoingBatch[],
    { firstTry = false }: { firstTry?: boolean } = {},
  ): Promise<void> {
    if (batches.length === 0) return;
    const at = now();
    const records = batches.map((batch) => claimedRecordOf(batch, at));
    const replied: Outcome[] = [];
    let replyFailed = false;
    if (firstTry)
      for (const { claimed, fresh } of records) {
        if (!fresh || claimed.chunks.length !== 1) break;
        const [chunk] = claimed.chunks as [OutboundChunk];
        const answer = await tryReply(claimed.replyToken!, claimed.messages);
        if (!answer.ok) {
          chunk.lastError = answer.error;
          replyFailed = true;
          break;
        }
        markSent(chunk, 'reply', answer.requestId);
        replied.push(outcomeOf(claimed, claimed.chunks, undefined));
      }
    const stored = records.map(({ claimed }, index) =>
      index < replied.length ? { ...claimed, ...replied[index]!.update.$set } : claimed,
    );
    // Once a reply went out its record must land, or a later run would push the message again.
    const refused = replied.length > 0 ? await storeInsisting(stored) : await store(stored);
    for (const [index, outcome] of replied.entries()) {
      if (refused[index]) await settleRepliedAgain(outcome);
      report(outcome);
    }
    const outcomes: Outcome[] = [];
    for (const [index, { claimed, fresh }] of records.entries()) {
      if (index < replied.length) continue;
      if (refused[index]) {
        await deliver(claimed._id);
        continue;
      }
      if (claimed.status === 'sent') continue;
      delivering.add(claimed._id);
      try {
        // A reply that failed above is not tried again: its token may be spent.
        outcomes.push(await attempt(claimed, fresh && !(replyFailed && index === replied.length)));
      } finally {
        delivering.delete(claimed._id);
      }
    }
    if (outcomes.length === 0) return;
    await models.OutboundMessage.bulkWrite(
      outcomes.map((outcome) => ({ updateOne: { filter: outcome.filter, update: outcome.update } })),
      { ordered: false },
    );
    for (const outcome of outcomes) report(outcome);
  }

  /** `store`, tried again on failure for a while (within the chat's lease, see the processor). */
  async function storeInsisting(docs: object[]): Promise<boolean[]> {
    const until = Date.now() + STORE_PERSIST_MS;
    for (let attempt = 0; ; attempt++) {
      try {
        return await store(docs);
      } catch (error) {
        if (Date.now() >= until) throw error;
        await sleep(Math.min(1000, withJitter(backoffMs * 2 ** attempt)));
      }
    }
  }

  /**
   * A batch just replied whose record an earlier run stored: the person may have it twice (a lease lost
   * in a stall). Its record says it went, so that the retry job does not push it a third time.
   */
  async function settleRepliedAgain(outcome: Outcome): Promise<void> {
    logger.warn({ outboundId: outcome.filter._id }, 'a batch stored by an earlier run was replied again');
    await models.OutboundMessage.updateOne({ _id: outcome.filter._id, status: 'pending' }, outcome.update);
  }

  /**
   * Stores records of every chat's burst sent meanwhile in one insert (see groupCommit); says, per
   * record, whether it was stored before (an event applied again).
   */
  const store = groupCommit(async (docs: object[]): Promise<boolean[]> => {
    try {
      await models.OutboundMessage.collection.insertMany(docs as never, { ordered: false });
      return docs.map(() => false);
    } catch (error) {
      const refused = duplicateIndexes(error, docs.length);
      if (!refused) throw error;
      return docs.map((_, index) => refused.has(index));
    }
  });

  /** Batches this process is delivering: its own claim does not let it deliver one twice at once. */
  const delivering = new Set<string>();

  async function deliver(id: string): Promise<DeliveryResult> {
    if (delivering.has(id)) return 'busy';
    delivering.add(id);
    try {
      return await claimAndWork(id);
    } finally {
      delivering.delete(id);
    }
  }

  async function claimAndWork(id: string): Promise<DeliveryResult> {
    const at = now();
    const doc = await models.OutboundMessage.findOneAndUpdate(
      {
        _id: id,
        status: 'pending',
        nextAttemptAt: { $lte: at },
        $or: [{ claimUntil: null }, { claimUntil: { $lte: at } }, { claimOwner: deps.instanceId }],
      },
      {
        $set: { claimOwner: deps.instanceId, claimUntil: new Date(at.getTime() + CLAIM_MS) },
        $inc: { attempts: 1 },
      },
      { returnDocument: 'after', lean: true },
    );
    if (!doc) return 'busy';
    const tokenFresh = Boolean(
      doc.replyToken && doc.replyTokenExpiresAt && doc.replyTokenExpiresAt.getTime() > now().getTime(),
    );
    if (tokenFresh && !doc.replyAttempted) {
      // Marked before the call: a reply token is single-use, so a crash must not reuse it.
      await models.OutboundMessage.updateOne({ _id: id }, { $set: { replyAttempted: true } });
      return work(doc, true);
    }
    return work(doc, false);
  }

  /** Sends the pending chunks of a batch this instance has claimed and stores the outcome. */
  async function work(
    doc: Attemptable & { _id: string; chunks: OutboundChunk[] },
    reply: boolean,
  ): Promise<DeliveryResult> {
    const outcome = await attempt(doc, reply);
    await models.OutboundMessage.updateOne(outcome.filter, outcome.update);
    report(outcome);
    return outcome.status;
  }

  function report(outcome: Outcome): void {
    if (outcome.status === 'failed')
      logger.warn(
        { outboundId: outcome.filter._id, purpose: outcome.purpose },
        'message could not be delivered',
      );
  }

  /** Sends the pending chunks of a batch this instance has claimed; `reply` when its token may be used. */
  async function attempt(
    doc: Attemptable & { _id: string; chunks: OutboundChunk[] },
    reply: boolean,
  ): Promise<Outcome> {
    // Looked up only before a push: a reply answers someone who just wrote to us.
    let unfollowed: boolean | undefined;
    const hasUnfollowed = async () =>
      (unfollowed ??= (await models.LineUser.findById(doc.to, { followed: 1 }).lean())?.followed === false);
    const chunks = doc.chunks.map((chunk) => ({ ...chunk }));
    let retryAt: Date | undefined;
    const replyOnly = doc.replyOnly === true;

    for (const chunk of chunks) {
      if (chunk.status !== 'pending') continue;
      const messages = doc.messages.slice(
        chunk.index * MESSAGES_PER_CALL,
        (chunk.index + 1) * MESSAGES_PER_CALL,
      );
      if (chunk.index === 0 && reply) {
        const replied = await tryReply(doc.replyToken!, messages);
        if (replied.ok) {
          markSent(chunk, 'reply', replied.requestId);
          continue;
        }
        chunk.lastError = replied.error;
      }
      if (replyOnly) {
        chunk.status = 'skipped';
        chunk.lastError ??= 'reply token not usable; reply-only message';
        continue;
      }
      if (await hasUnfollowed()) {
        chunk.status = 'skipped';
        chunk.lastError = 'user unfollowed';
        continue;
      }
      const pushed = await tryPush(doc.to, messages, chunk);
      if (pushed === 'retry' || pushed === 'rate_limited') {
        const base = pushed === 'rate_limited' ? 30_000 : 5_000;
        retryAt = new Date(now().getTime() + withJitter(base * 2 ** Math.min(doc.attempts ?? 0, 6)));
        // Later chunks wait: messages arrive in order or not at all.
        break;
      }
    }

    return outcomeOf(doc, chunks, retryAt);
  }

  /** The write that stores what an attempt did to a batch: status, chunks, the claim given back. */
  function outcomeOf(
    doc: Pick<Attemptable, 'purpose' | 'forgetContent' | 'messages'> & { _id: string },
    chunks: OutboundChunk[],
    retryAt: Date | undefined,
  ): Outcome {
    const pending = chunks.some((chunk) => chunk.status === 'pending');
    const failed = chunks.some((chunk) => chunk.status === 'failed');
    const allSkipped = chunks.every((chunk) => chunk.status === 'skipped');
    const status = pending ? 'pending' : failed ? 'failed' : allSkipped ? 'skipped' : 'sent';
    return {
      status,
      purpose: doc.purpose,
      filter: { _id: doc._id, claimOwner: deps.instanceId },
      update: {
        $set: {
          chunks,
          status,
          claimOwner: null,
          claimUntil: null,
          nextAttemptAt: retryAt ?? now(),
          ...(status === 'sent' ? { sentAt: now() } : {}),
          // Nothing left to send: the content is not kept (see forgetContent).
          ...(doc.forgetContent && status !== 'pending'
            ? { messages: [], forgottenMessages: doc.messages.length }
            : {}),
        },
      },
    };
  }

  async function tryReply(
    replyToken: string,
    messages: messagingApi.Message[],
  ): Promise<{ ok: true; requestId?: string } | { ok: false; error: string }> {
    try {
      const response = await api.call(({ client }) =>
        client.replyMessageWithHttpInfo({ replyToken, messages }),
      );
      return { ok: true, requestId: response.httpResponse.headers.get('x-line-request-id') ?? undefined };
    } catch (error) {
      const failure = classifyLineError(error);
      // Any failed reply falls back to a push: a reply is never retried, its token may be spent.
      return { ok: false, error: `reply failed: ${failure.kind}` };
    }
  }

  async function tryPush(
    to: string,
    messages: messagingApi.Message[],
    chunk: OutboundChunk,
  ): Promise<'sent' | 'failed' | 'retry' | 'rate_limited'> {
    for (let attempt = 0; attempt < inlineAttempts; attempt++) {
      chunk.attempts = (chunk.attempts ?? 0) + 1;
      try {
        const response = await api.call(({ client }) =>
          client.pushMessageWithHttpInfo({ to, messages }, chunk.retryKey),
        );
        markSent(chunk, 'push', response.httpResponse.headers.get('x-line-request-id') ?? undefined);
        return 'sent';
      } catch (error) {
        const failure = classifyLineError(error);
        if (failure.kind === 'accepted_before') {
          markSent(chunk, 'push');
          return 'sent';
        }
        if (failure.kind === 'rate_limited') {
          chunk.lastError = `rate limited (${failure.status})`;
          return 'rate_limited';
        }
        if (failure.kind === 'rejected' || failure.kind === 'invalid_reply_token') {
          chunk.status = 'failed';
          chunk.lastError =
            failure.kind === 'rejected' ? `${failure.status}: ${failure.message}` : failure.kind;
          return 'failed';
        }
        chunk.lastError = `${failure.status ?? 'network'}: ${failure.message}`;
        if (attempt + 1 < inlineAttempts) await sleep(withJitter(backoffMs * 2 ** attempt));
      }
    }
    return 'retry';
  }

  function markSent(chunk: OutboundChunk, via: 'reply' | 'push', requestId?: string) {
    chunk.status = 'sent';
    chunk.via = via;
    chunk.sentAt = now();
    chunk.requestId = requestId;
    chunk.lastError = undefined;
  }

  /** For the retry job: deliver what is due, highest priority first. */
  async function deliverDue(limit = 50): Promise<number> {
    const due = await models.OutboundMessage.find(
      { status: 'pending', nextAttemptAt: { $lte: now() } },
      { _id: 1 },
      { sort: { priority: -1, nextAttemptAt: 1 }, limit, lean: true },
    );
    let delivered = 0;
    for (const { _id } of due) {
      if ((await deliver(_id)) === 'sent') delivered++;
    }
    return delivered;
  }

  return { enqueue, send, sendAll, deliver, deliverDue };
}

type Attemptable = Pick<
  OutboundMessageDoc,
  'to' | 'messages' | 'replyToken' | 'replyOnly' | 'attempts' | 'purpose' | 'forgetContent'
>;

/** What one delivery attempt did to a batch, and the write that stores it. */
type Outcome = {
  status: DeliveryResult;
  purpose: string;
  filter: { _id: string; claimOwner: string };
  update: { $set: Record<string, unknown> };
};

export type OutboundRecord = OutboundMessageDoc;

function withJitter(ms: number): number {
  return Math.round(ms * (0.5 + Math.random()));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
