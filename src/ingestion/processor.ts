import type { ErrorSink } from '../errors';
import type { Logger } from '../logger';
import type { OutgoingBatch, Sender } from '../line/sender';
import { orderInChat, type SettleClock } from './event-order';
import type { LineEvent } from './line-event';
import type { IngestionModels, QueuedEventDoc } from './models';

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
  /**
   * How long after LINE's timestamp an event waits before it is applied, so that an earlier event of
   * its chat stored a little later by another instance still goes first. None: no wait.
   */
  settle?: SettleClock;
  /** Keeps a one-to-one chat's unused reply token for status cards and staff answers. */
  rememberReplyToken?: (entry: { lineUserId: string; token: string; expiresAt: Date }) => Promise<void>;
};

export type Processor = ReturnType<typeof createProcessor>;

type QueuedEvent = QueuedEventDoc;

/** How many queued events one scan plans. */
const SCAN_LIMIT = 1000;
/** A queue entry without its record this long is left from a request that died before storing it. */
const ORPHAN_MS = 60_000;
/** How many events of one chat a scan plans. */
const PLAN_PER_CHAT = 50;

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
  /** Chats whose lease another instance holds, until when: not planned here meanwhile. */
  const heldElsewhere = new Map<string, number>();
  /** The last scan of the queue, by chat in timestamp order: chats not yet started. */
  let planned = new Map<string, QueuedEvent[]>();
  /** Something may be queued that the last scan did not see (a kick, a chat that made progress). */
  let rescan = false;
  let scanning: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  /** A scan for events that were not ripe yet at the last one. */
  let ripeTimer: NodeJS.Timeout | undefined;
  let ripeAt = Infinity;
  let stopping = false;

  /**
   * Starts planned chats while fewer than `concurrency` run (bounded, so a burst of new chats cannot
   * queue hundreds of writes ahead of the webhook's), and scans the queue again once the plan is
   * used up. One scan plans up to SCAN_LIMIT events, so a backlog costs a scan per many events, not
   * one per event (FerretDB reads the whole queue for any query that is not by `_id`).
   */
  function pump(): void {
    for (const [chatKey, events] of planned) {
      if (stopping || active.size >= concurrency) break;
      planned.delete(chatKey);
      if (active.has(chatKey)) continue; // its run ends with a rescan
      start(chatKey, events);
    }
    if (stopping || !rescan || scanning || planned.size > 0 || active.size >= concurrency) return;
    rescan = false;
    scanning = scan()
      .catch((error: unknown) => reportError(error, { where: 'processor scan' }))
      .finally(() => {
        scanning = undefined;
        pump();
      });
  }

  function start(chatKey: string, events: QueuedEvent[]): void {
    const run = runChat(chatKey, events)
      .then((progressed) => {
        // More may have come for this chat while it ran; a chat that got nowhere (its lease is held
        // elsewhere, its next event waits for a retry) is left to the poll, not scanned for at once.
        if (progressed) rescan = true;
      })
      .catch((error: unknown) => reportError(error, { where: 'processor', chatKind: chatKey.split(':')[0] }))
      .finally(() => {
        active.delete(chatKey);
        pump();
      });
    active.set(chatKey, run);
  }

  /**
   * Plans the earliest queued events, due or not (a later event never overtakes a retried one),
   * leaving out chats running here or leased elsewhere and at most PLAN_PER_CHAT events a chat: one
   * busy chat (a group, a backlog after an outage) cannot fill the plan and starve the others.
   */
  async function scan(): Promise<void> {
    const at = now().getTime();
    for (const [chatKey, until] of heldElsewhere) if (until <= at) heldElsewhere.delete(chatKey);
    const skip = [...active.keys(), ...heldElsewhere.keys()];
    const queued = await models.QueuedEvent.find(skip.length > 0 ? { chatKey: { $nin: skip } } : {}, null, {
      sort: { timestamp: 1, _id: 1 },
      limit: SCAN_LIMIT,
      lean: true,
    });
    const byChat = new Map<string, QueuedEvent[]>();
    for (const event of queued) {
      if (active.has(event.chatKey)) continue;
      byChat.set(event.chatKey, [...(byChat.get(event.chatKey) ?? []), event]);
    }
    // A chat's events are taken up to its first one that is not ripe: a late earlier one may still come.
    const ripeBefore = at - (deps.settle?.settleMs(at) ?? 0);
    let nextRipe = Infinity;
    const next = new Map<string, QueuedEvent[]>();
    for (const [chatKey, events] of byChat) {
      const ordered = orderInChat(events);
      const unripe = ordered.findIndex((event) => event.timestamp > ripeBefore);
      if (unripe >= 0) nextRipe = Math.min(nextRipe, ordered[unripe]!.timestamp - ripeBefore);
      const ripe = (unripe >= 0 ? ordered.slice(0, unripe) : ordered).slice(0, PLAN_PER_CHAT);
      if (ripe.length > 0) next.set(chatKey, ripe);
    }
    if (nextRipe < Infinity) scanAgainIn(nextRipe);
    // A full page may hide more chats; only worth another scan once these are under way.
    if (queued.length === SCAN_LIMIT && next.size > 0) rescan = true;
    planned = next;
  }

  /** One timer for the earliest event still settling: a scan then takes it (and its chat's later ones). */
  function scanAgainIn(ms: number): void {
    const when = Date.now() + Math.max(1, Math.ceil(ms));
    if (ripeTimer && ripeAt <= when) return;
    if (ripeTimer) clearTimeout(ripeTimer);
    ripeAt = when;
    ripeTimer = setTimeout(() => {
      ripeTimer = undefined;
      ripeAt = Infinity;
      rescan = true;
      pump();
    }, when - Date.now());
    ripeTimer.unref();
  }

  function kick(_chatKeys: string[]): void {
    rescan = true;
    pump();
  }

  /** Works through the planned events of one chat under its lease; says whether it applied any. */
  async function runChat(chatKey: string, events: QueuedEvent[]): Promise<boolean> {
    const lease = await acquire(chatKey);
    if (!lease) return false;
    try {
      return await drain(chatKey, events, lease === 'taken over');
    } finally {
      await release(chatKey);
    }
  }

  /**
   * Takes the chat's lease by a unique insert. An expired lease is removed first: its holder died
   * (or stalled) in the middle of the chat's earliest event, which the caller then counts.
   */
  async function acquire(chatKey: string): Promise<'taken' | 'taken over' | false> {
    let expired = false;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const until = now().getTime() + leaseMs;
        await models.ChatLease.create({ _id: chatKey, owner: instanceId, until: new Date(until) });
        heldUntil.set(chatKey, until);
        return expired ? 'taken over' : 'taken';
      } catch (error) {
        if ((error as { code?: number }).code !== 11000) throw error;
      }
      const held = await models.ChatLease.findById(chatKey).lean();
      if (held && held.until.getTime() > now().getTime()) {
        heldElsewhere.set(chatKey, held.until.getTime());
        return false;
      }
      if (held) {
        // Only the instance whose delete removed it counts the dead holder's try.
        const { deletedCount } = await models.ChatLease.deleteOne({
          _id: chatKey,
          owner: held.owner,
          until: held.until,
        });
        if (deletedCount === 1) expired = true;
      }
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

  async function drain(chatKey: string, events: QueuedEvent[], takenOver: boolean): Promise<boolean> {
    let holderDied = takenOver;
    const chat = (await models.Chat.findById(chatKey).lean()) ?? {
      rev: 0,
      state: {},
      outbox: [] as unknown[],
      appliedEventIds: [] as string[],
    };
    // A freshly upserted chat may lack the arrays: read them defensively.
    let rev = chat.rev ?? 0;
    let state = (chat.state ?? {}) as Record<string, unknown>;
    let appliedEventIds: string[] = chat.appliedEventIds ?? [];
    // Outboxes are sent before their event is marked done: only a crash in between leaves one to send.
    const lastApplied = appliedEventIds.at(-1);
    if (lastApplied && (await models.QueuedEvent.exists({ _id: lastApplied })))
      await flushOutbox(chatKey, (chat.outbox ?? []) as OutgoingBatch[], true);
    let progressed = false;

    for (const plannedEvent of events) {
      if (stopping) break;
      // The plan may be stale: another instance may have applied or postponed the event since.
      const queued = await models.QueuedEvent.findById(plannedEvent._id).lean();
      if (!queued) {
        holderDied = false;
        continue;
      }
      if (queued.nextAttemptAt.getTime() > now().getTime()) break;
      const stored = await models.InboundEvent.findById(queued._id).lean();
      // Its record is still on its way: later events wait.
      if (!stored && now().getTime() - queued.nextAttemptAt.getTime() < ORPHAN_MS) break;
      // An entry queued after its record was stored came with a redelivery of an event already
      // done: while the first entry was queued, a second could not have been.
      const redelivered = Boolean(stored && queued.receivedAt && stored.receivedAt < queued.receivedAt);
      if (!stored || redelivered || stored.status === 'failed' || appliedEventIds.includes(queued._id)) {
        // Applied or set aside before a crash, a redelivery of a done event, or a request that died
        // before its record: only the entry is left.
        holderDied = false;
        if (stored && !redelivered && stored.status !== 'failed')
          await markEvent(stored._id, chatKey, 'done', queued.attempts);
        else await models.QueuedEvent.deleteOne({ _id: queued._id });
        continue;
      }
      if (!(await renew(chatKey))) break;

      // A try is counted when it fails, or by the next holder when the process died in it (no write
      // on the way in): an event that crashes the process is set aside after a few restarts.
      const tried = queued.attempts + (holderDied ? 1 : 0);
      if (holderDied) {
        holderDied = false;
        await models.QueuedEvent.updateOne({ _id: queued._id }, { $set: { attempts: tried } });
      }
      const attempt = tried + 1;
      const event = JSON.parse(stored.payload) as LineEvent;
      const context: HandlerContext = {
        eventId: stored._id,
        event,
        chatKey,
        state,
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
          { $set: { lastError: message.slice(0, 500) } },
        );
        await models.QueuedEvent.updateOne(
          { _id: stored._id },
          {
            $set: { attempts: attempt, nextAttemptAt: new Date(now().getTime() + 1000 * 2 ** (attempt - 1)) },
          },
        );
        break;
      }

      if (!(await renew(chatKey))) break; // lease lost: the new holder applies it
      const nextApplied = [...appliedEventIds, stored._id].slice(-100);
      const committed = await models.Chat.updateOne(
        { _id: chatKey, rev },
        {
          $set: {
            state: result.state,
            rev: rev + 1,
            appliedEventIds: nextApplied,
            outbox: result.outbox,
            ...(result.wakeAt !== undefined ? { wakeAt: result.wakeAt } : {}),
            updatedAt: now(),
          },
        },
        { upsert: rev === 0 },
      ).catch((error: { code?: number }) => {
        if (error.code === 11000) return { modifiedCount: 0, upsertedCount: 0 };
        throw error;
      });
      if (committed.modifiedCount + committed.upsertedCount !== 1) break; // someone else applied an event
      rev += 1;
      state = result.state;
      appliedEventIds = nextApplied;
      progressed = true;
      await flushOutbox(chatKey, result.outbox, false);
      await markEvent(stored._id, chatKey, 'done', attempt);
      await rememberIfUnused(context, result.outbox);
    }
    return progressed;
  }

  /**
   * A one-to-one chat's reply token that the bot did not use is free for a status card or a
   * staff answer within the minute (a reply from a group token would post into the group).
   */
  async function rememberIfUnused(context: HandlerContext, sent: OutgoingBatch[]): Promise<void> {
    const { event, replyToken, replyTokenExpiresAt } = context;
    if (!deps.rememberReplyToken || !replyToken || !replyTokenExpiresAt) return;
    if (event.source?.type !== 'user' || !event.source.userId) return;
    if (replyTokenExpiresAt.getTime() <= now().getTime()) return;
    if (sent.some((batch) => batch.replyToken === replyToken)) return;
    await deps.rememberReplyToken({
      lineUserId: event.source.userId,
      token: replyToken,
      expiresAt: replyTokenExpiresAt,
    });
  }

  async function setAside(context: HandlerContext, reason: string): Promise<void> {
    logger.warn(
      { eventType: context.event.type, attempts: context.attempt - 1 },
      'event set aside after repeated failures',
    );
    const apology = deps.apology(context);
    if (apology) await sender.enqueue(apology);
    await markEvent(context.eventId, context.chatKey, 'failed', context.attempt - 1, reason);
    if (apology) await sender.deliver(apology.id);
  }

  /**
   * Removes the queue entry: that is what makes the event done. A set-aside event's record says so
   * first (a crash in between only leaves an entry to clear); a group or room event's record keeps
   * only the dedupe marker.
   */
  async function markEvent(
    id: string,
    chatKey: string,
    status: 'done' | 'failed',
    attempts: number,
    error?: string,
  ): Promise<void> {
    // Group and room messages are answered with one line and never kept.
    const forget = !chatKey.startsWith('user:');
    if (status === 'failed' || forget) {
      await models.InboundEvent.updateOne(
        { _id: id },
        {
          $set: {
            ...(status === 'failed'
              ? { status, attempts, processedAt: now(), ...(error ? { lastError: error.slice(0, 500) } : {}) }
              : {}),
            ...(forget ? { payload: '{}' } : {}),
          },
          ...(forget ? { $unset: { userId: '', replyToken: '' } } : {}),
        },
      );
    }
    await models.QueuedEvent.deleteOne({ _id: id });
  }

  /**
   * Stores and sends committed messages, in order. The outbox stays on the chat until the next
   * commit replaces it (no write to empty it); after a crash between the commit and marking the
   * event done, the next run sends whatever of it was not stored yet.
   */
  async function flushOutbox(
    chatKey: string,
    batches: OutgoingBatch[],
    onlyUnstored: boolean,
  ): Promise<void> {
    for (const batch of batches) {
      if (onlyUnstored && (await models.OutboundMessage.exists({ _id: batch.id }))) continue;
      // Slow pushes (timeouts, retries) must not let the lease lapse mid-event: the next holder
      // would count a try that never failed. Lost or not, the committed batch still goes out once.
      await renew(chatKey);
      await sender.send(batch);
    }
  }

  /** A pass over the queue: picks up events left by a crash, a lost lease or a retry delay. */
  async function poll(): Promise<void> {
    rescan = true;
    pump();
    await scanning;
  }

  return {
    kick,
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
      if (ripeTimer) clearTimeout(ripeTimer);
      await scanning;
      await Promise.all(active.values());
    },
    /** Resolves when this instance has nothing in progress (tests and benchmarks). */
    async idle(): Promise<void> {
      for (;;) {
        const running = [...active.values(), ...(scanning ? [scanning] : [])];
        if (running.length === 0 && !ripeTimer) return;
        if (running.length === 0)
          await new Promise((resolve) => setTimeout(resolve, ripeAt - Date.now() + 1));
        else await Promise.all(running);
      }
    },
  };
}

/**
 * The dedupe markers and the record of what people wrote are purged by a scheduled job (no TTL
 * indexes on FerretDB). An event still queued after that long has lost its record and is dropped
 * as an orphan by the processor.
 */
export async function purgeProcessedEvents(models: IngestionModels, olderThan: Date): Promise<number> {
  const result = await models.InboundEvent.deleteMany({ receivedAt: { $lt: olderThan } });
  return result.deletedCount;
}
