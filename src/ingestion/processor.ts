import type { ErrorSink } from '../errors';
import type { Logger } from '../logger';
import type { OutgoingBatch, Sender } from '../line/sender';
import type { LineEvent } from './line-event';
import type { IngestionModels } from './models';

export type HandlerContext = {
  eventId: string;
  event: LineEvent;
  chatKey: string;
  /** The chat's conversation state as last committed. */
  state: Record<string, unknown>;
  receivedAt: Date;
  replyToken?: string;
  replyTokenExpiresAt?: Date;
  /** 1 on the first try. */
  attempt: number;
};

/**
 * Decides what an event does. It may perform idempotent side effects keyed by the event (fetch a
 * profile, store media, create a case by intake id); messages go out only through `outbox`, after
 * the new state is committed.
 */
export type EventHandler = (context: HandlerContext) => Promise<HandlerResult>;

export type HandlerResult = {
  state: Record<string, unknown>;
  outbox: OutgoingBatch[];
  /** When the chat wants a `needline.timeout` event (a reminder or an expiry), or null for never. */
  wakeAt?: Date | null;
};

/** The synthetic event the scheduler stores for a chat whose `wakeAt` has come. */
export const TIMEOUT_EVENT_TYPE = 'needline.timeout';

/** The short apology for an event set aside after too many failures, or nothing (e.g. group chats). */
export type Apology = (context: HandlerContext) => OutgoingBatch | undefined;

export type ProcessorDeps = {
  models: IngestionModels;
  sender: Sender;
  handler: EventHandler;
  apology: Apology;
  logger: Logger;
  reportError: ErrorSink;
  instanceId: string;
  now?: () => Date;
  leaseMs?: number;
  maxAttempts?: number;
  /** How many chats one instance works on at once. */
  concurrency?: number;
  pollMs?: number;
  replyTokenLifetimeMs?: number;
};

export type Processor = ReturnType<typeof createProcessor>;

/**
 * Works through stored events: one chat at a time per lease (so two instances never interleave one
 * user's events), in timestamp order; different chats in parallel. Each event is applied with one
 * write on the chat document carrying the new state, the event id and the outbox, conditional on
 * the revision read (the lease makes it exclusive where the database's conditional updates are not).
 */
export function createProcessor(deps: ProcessorDeps) {
  const { models, sender, logger, reportError, instanceId } = deps;
  const now = deps.now ?? (() => new Date());
  const leaseMs = deps.leaseMs ?? 30_000;
  const maxAttempts = deps.maxAttempts ?? 3;
  const concurrency = deps.concurrency ?? 16;
  const pollMs = deps.pollMs ?? 1000;
  const replyTokenLifetimeMs = deps.replyTokenLifetimeMs ?? 50_000;

  const active = new Map<string, Promise<void>>();
  /** When this instance's lease on a chat ends, as last written. */
  const heldUntil = new Map<string, number>();
  const again = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let stopping = false;

  function kick(chatKeys: string[]): void {
    for (const chatKey of chatKeys) {
      if (stopping) return;
      if (active.has(chatKey)) {
        again.add(chatKey);
        continue;
      }
      const run = runChat(chatKey)
        .catch((error: unknown) =>
          reportError(error, { where: 'processor', chatKind: chatKey.split(':')[0] }),
        )
        .finally(() => active.delete(chatKey));
      active.set(chatKey, run);
    }
  }

  async function runChat(chatKey: string): Promise<void> {
    do {
      again.delete(chatKey);
      if (!(await acquire(chatKey))) return;
      try {
        await drain(chatKey);
      } finally {
        await release(chatKey);
      }
      // An event may have arrived while we held the lease and another instance could not take it.
    } while (!stopping && (again.has(chatKey) || (await hasDueEvent(chatKey))));
  }

  /** Takes the chat's lease by a unique insert; an expired lease (its holder died) is removed first. */
  async function acquire(chatKey: string): Promise<boolean> {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const until = now().getTime() + leaseMs;
        await models.ChatLease.create({ _id: chatKey, owner: instanceId, until: new Date(until) });
        heldUntil.set(chatKey, until);
        return true;
      } catch (error) {
        if ((error as { code?: number }).code !== 11000) throw error;
      }
      const held = await models.ChatLease.findById(chatKey).lean();
      if (held && held.until.getTime() > now().getTime()) return false;
      if (held) await models.ChatLease.deleteOne({ _id: chatKey, owner: held.owner, until: held.until });
    }
    return false;
  }

  async function release(chatKey: string): Promise<void> {
    heldUntil.delete(chatKey);
    await models.ChatLease.deleteOne({ _id: chatKey, owner: instanceId });
  }

  /**
   * Makes sure the lease is ours for a while yet. A lease with two thirds of its time left cannot have
   * been taken over, so it is extended only when it ages: two writes fewer per event.
   */
  async function renew(chatKey: string): Promise<boolean> {
    const at = now().getTime();
    if ((heldUntil.get(chatKey) ?? 0) - at > (leaseMs * 2) / 3) return true;
    const result = await models.ChatLease.updateOne(
      { _id: chatKey, owner: instanceId },
      { $set: { until: new Date(at + leaseMs) } },
    );
    if (result.matchedCount !== 1) return false;
    heldUntil.set(chatKey, at + leaseMs);
    return true;
  }

  async function hasDueEvent(chatKey: string): Promise<boolean> {
    const next = await nextEvent(chatKey);
    return next !== null && next.nextAttemptAt.getTime() <= now().getTime();
  }

  /** The earliest pending event of the chat, due or not: a later event never overtakes a retried one. */
  function nextEvent(chatKey: string) {
    return models.InboundEvent.findOne({ chatKey, status: 'pending' }, null, {
      sort: { timestamp: 1, _id: 1 },
      lean: true,
    });
  }

  async function drain(chatKey: string): Promise<void> {
    for (;;) {
      if (stopping) return;
      const chat = (await models.Chat.findById(chatKey).lean()) ?? {
        rev: 0,
        state: {},
        outbox: [] as unknown[],
        appliedEventIds: [] as string[],
      };
      // A freshly upserted chat may lack the arrays: read them defensively.
      const outbox = (chat.outbox ?? []) as OutgoingBatch[];
      const appliedEventIds: string[] = chat.appliedEventIds ?? [];
      await flushOutbox(chatKey, outbox);

      const stored = await nextEvent(chatKey);
      if (!stored || stored.nextAttemptAt.getTime() > now().getTime()) return;
      if (appliedEventIds.includes(stored._id)) {
        await markEvent(stored._id, chatKey, 'done');
        continue;
      }
      if (!(await renew(chatKey))) return;

      const attempt = stored.attempts + 1;
      // Counted before running, so an event that crashes the process is set aside after a few restarts.
      await models.InboundEvent.updateOne(
        { _id: stored._id },
        { $set: { attempts: attempt, nextAttemptAt: new Date(now().getTime() + leaseMs) } },
      );
      const event = JSON.parse(stored.payload) as LineEvent;
      const context: HandlerContext = {
        eventId: stored._id,
        event,
        chatKey,
        state: (chat.state ?? {}) as Record<string, unknown>,
        receivedAt: stored.receivedAt,
        replyToken: stored.replyToken ?? undefined,
        replyTokenExpiresAt: stored.replyToken
          ? new Date(stored.receivedAt.getTime() + replyTokenLifetimeMs)
          : undefined,
        attempt,
      };

      if (attempt > maxAttempts) {
        await setAside(context, stored.lastError ?? 'too many attempts');
        continue;
      }

      let result: Awaited<ReturnType<EventHandler>>;
      try {
        result = await deps.handler(context);
      } catch (error) {
        reportError(error, { where: 'event handler', eventType: event.type, attempt });
        const message = error instanceof Error ? error.message : String(error);
        if (attempt >= maxAttempts) {
          await setAside(context, message);
          continue;
        }
        await models.InboundEvent.updateOne(
          { _id: stored._id },
          {
            $set: {
              lastError: message.slice(0, 500),
              nextAttemptAt: new Date(now().getTime() + 1000 * 2 ** (attempt - 1)),
            },
          },
        );
        return;
      }

      if (!(await renew(chatKey))) return; // lease lost: the new holder applies it
      const rev = chat.rev ?? 0;
      const committed = await models.Chat.updateOne(
        { _id: chatKey, rev },
        {
          $set: {
            state: result.state,
            rev: rev + 1,
            appliedEventIds: [...appliedEventIds, stored._id].slice(-100),
            outbox: [...outbox, ...result.outbox],
            ...(result.wakeAt !== undefined ? { wakeAt: result.wakeAt } : {}),
            updatedAt: now(),
          },
        },
        { upsert: rev === 0 },
      ).catch((error: { code?: number }) => {
        if (error.code === 11000) return { modifiedCount: 0, upsertedCount: 0 };
        throw error;
      });
      if (committed.modifiedCount + committed.upsertedCount !== 1) return; // someone else applied an event
      await markEvent(stored._id, chatKey, 'done');
      await flushOutbox(chatKey, result.outbox);
    }
  }

  async function setAside(context: HandlerContext, reason: string): Promise<void> {
    logger.warn(
      { eventType: context.event.type, attempts: context.attempt - 1 },
      'event set aside after repeated failures',
    );
    const apology = deps.apology(context);
    if (apology) await sender.enqueue(apology);
    await markEvent(context.eventId, context.chatKey, 'failed', reason);
    if (apology) await sender.deliver(apology.id);
  }

  async function markEvent(
    id: string,
    chatKey: string,
    status: 'done' | 'failed',
    error?: string,
  ): Promise<void> {
    // Group and room messages are answered with one line and never kept: only the dedupe marker stays.
    const forget = !chatKey.startsWith('user:');
    await models.InboundEvent.updateOne(
      { _id: id },
      {
        $set: {
          status,
          processedAt: now(),
          ...(error ? { lastError: error.slice(0, 500) } : {}),
          ...(forget ? { payload: '{}' } : {}),
        },
        ...(forget ? { $unset: { userId: '', replyToken: '' } } : {}),
      },
    );
  }

  /** Moves committed messages to the delivery queue, then sends them, in order. */
  async function flushOutbox(chatKey: string, batches: OutgoingBatch[]): Promise<void> {
    if (batches.length === 0) return;
    for (const batch of batches) await sender.enqueue(batch);
    // A whole-array write under the lease: FerretDB 1.24 does not apply $pull with a sub-document condition.
    await models.Chat.updateOne({ _id: chatKey }, { $set: { outbox: [] } });
    for (const batch of batches) await sender.deliver(batch.id);
  }

  async function poll(): Promise<void> {
    if (stopping || active.size >= concurrency) return;
    const due = await models.InboundEvent.find(
      { status: 'pending', nextAttemptAt: { $lte: now() } },
      { chatKey: 1 },
      { sort: { nextAttemptAt: 1 }, limit: 200, lean: true },
    );
    const keys = [...new Set(due.map((event) => event.chatKey))].filter((key) => !active.has(key));
    kick(keys.slice(0, concurrency - active.size));
  }

  return {
    kick,
    /** One polling pass: picks up events left by a crash, a lost lease or a retry delay. */
    poll,
    start(): void {
      timer = setInterval(() => {
        poll().catch((error: unknown) => reportError(error, { where: 'processor poll' }));
      }, pollMs);
      timer.unref();
    },
    async stop(): Promise<void> {
      stopping = true;
      if (timer) clearInterval(timer);
      await Promise.all(active.values());
    },
    /** Resolves when this instance has nothing in progress (tests and benchmarks). */
    async idle(): Promise<void> {
      while (active.size > 0) await Promise.all(active.values());
    },
  };
}

/** The dedupe markers (processed events) are purged by a scheduled job; no TTL indexes on FerretDB. */
export async function purgeProcessedEvents(models: IngestionModels, olderThan: Date): Promise<number> {
  const result = await models.InboundEvent.deleteMany({
    status: { $in: ['done', 'failed'] },
    processedAt: { $lt: olderThan },
  });
  return result.deletedCount;
}
