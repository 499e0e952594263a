import type { Collection } from 'mongodb';
import type { ErrorSink } from '../errors';
import type { Logger } from '../logger';
import type { OutgoingBatch, Sender } from '../line/sender';
import { orderInChat, type SettleClock } from './event-order';
import type { AckGate } from './ack-first';
import { chatStore, type ChatRecord } from './chat-store';
import { groupCommit } from '../db/group-commit';
import type { IngestionModels, QueuedEventDoc as QueuedEvent } from './models';
import type { Apology, EventHandler, HandlerContext, HandlerResult } from './event-handler';
import type { LineEvent } from './line-event';

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
  /** Processing gives way to webhook requests waiting to be stored (see ack-first.ts). */
  gate?: AckGate;
  /** Keeps a one-to-one chat's unused reply token for status cards and staff answers. */
  rememberReplyToken?: (entry: { lineUserId: string; token: string; expiresAt: Date }) => Promise<void>;
};

export type Processor = ReturnType<typeof createProcessor>;

/** How many queued events one scan plans. */
const SCAN_LIMIT = 1000;
/** A queue entry without its record this long is left from a request that died before storing it. */
const ORPHAN_MS = 60_000;
/** A longer lag is a redelivery, not a slow acknowledgement: it says nothing of the settle time. */
const LAG_SEEN_MS = 5_000;
/** Events whose timestamps are this close are taken in one scan and one burst. */
const RIPE_SLACK_MS = 25;
/** The longest processing waits, at each step, for waiting webhook requests to be stored. */
const GIVE_WAY_MS = 50;
/** How many events of one chat a scan plans. */
const PLAN_PER_CHAT = 50;

/**
 * Works through stored events: one chat at a time per lease (so two instances never interleave one
 * user's events), in LINE's order; different chats in parallel. A chat's pending events are applied
 * as one burst under one lease (see runChat).
 */
export function createProcessor(deps: ProcessorDeps) {
  const { models, sender, logger, reportError, instanceId } = deps;
  const now = deps.now ?? (() => new Date());
  const leaseMs = deps.leaseMs ?? 30_000;
  const maxAttempts = deps.maxAttempts ?? 3;
  const concurrency = deps.concurrency ?? 16;
  const pollMs = deps.pollMs ?? 1000;
  const replyTokenLifetimeMs = deps.replyTokenLifetimeMs ?? 50_000;

  const store = chatStore(models);
  // The driver itself on the busiest reads: mongoose adds CPU and nothing this path needs.
  const queue = models.QueuedEvent.collection as unknown as Collection<QueuedEvent>;
  /** Queue entries of every chat finished meanwhile leave in one command (see groupCommit). */
  const unqueue = groupCommit(async (ids: string[]) => {
    await models.QueuedEvent.collection.deleteMany({ _id: { $in: ids } } as never);
    return ids;
  });
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
  /** Scans started so far: a chat running during one was left out of it. */
  let scans = 0;
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
    const scansBefore = scans;
    const run = runChat(chatKey, events)
      .then((progressed) => {
        // A scan while it ran left this chat out, and a full plan may have left events behind: look
        // again. A chat that got nowhere (held elsewhere, waiting for a retry) is left to the poll.
        if (progressed && (scans !== scansBefore || events.length === PLAN_PER_CHAT)) rescan = true;
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
    scans++;
    const at = now().getTime();
    for (const [chatKey, until] of heldElsewhere) if (until <= at) heldElsewhere.delete(chatKey);
    const skip = [...active.keys(), ...heldElsewhere.keys()];
    const queued = await queue
      .find(skip.length > 0 ? { chatKey: { $nin: skip } } : {}, {
        sort: { timestamp: 1, _id: 1 },
        limit: SCAN_LIMIT,
      })
      .toArray();
    // Other instances' deliveries are in the queue too: their lag counts as much as ours.
    for (const event of queued)
      if (
        event.attempts === 0 &&
        event.receivedAt &&
        event.receivedAt.getTime() - event.timestamp < LAG_SEEN_MS
      )
        deps.settle?.observe(event.timestamp, event.receivedAt.getTime());
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
    // A little later than the first ripe event, so that events sent together ripen together.
    const when = Date.now() + Math.max(1, Math.ceil(ms)) + RIPE_SLACK_MS;
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

  /**
   * New events were stored. With a settle time they cannot be taken yet: one scan when they are
   * ripe serves them all (a scan now would only find them unripe).
   */
  function kick(_chatKeys: string[]): void {
    const settleMs = deps.settle?.settleMs(now().getTime()) ?? 0;
    if (settleMs > 0) return scanAgainIn(settleMs);
    rescan = true;
    pump();
  }

  /**
   * Works through the planned events of one chat as one burst: the lease and the state in one
   * command, the events applied in memory one after the other, their messages sent, then the new
   * state, the applied ids and the lease's release in one conditional write, and the queue entries
   * cleared in one. Says whether it applied any.
   */
  async function runChat(chatKey: string, events: QueuedEvent[]): Promise<boolean> {
    await deps.gate?.clear(GIVE_WAY_MS);
    const at = now().getTime();
    const chat = await store.claim(chatKey, instanceId, new Date(at + leaseMs), new Date(at));
    if (!chat) {
      // Its holder runs a rescan when done; a poll picks up whatever is left.
      heldElsewhere.set(chatKey, at + Math.min(leaseMs, 250));
      return false;
    }
    heldUntil.set(chatKey, at + leaseMs);
    let released = false;
    /** The events whose messages may have gone out, until their commit. */
    let sending: string[] = [];
    try {
      const burst = await applyBurst(chatKey, chat, events);
      if (burst.applied.length > 0) {
        await deps.gate?.clear(GIVE_WAY_MS);
        // Sent before the commit: a crash re-applies the events, and their stored batches are not sent
        // again. Only a first try may reply before storing (see sendAll); the lease is young here, so no
        // other instance can be applying these events.
        sending = burst.applied.map(({ context }) => context.eventId);
        await sender.sendAll(burst.outbox, {
          firstTry: burst.applied.every(({ context }) => context.attempt === 1) && (await keepLease(chatKey)),
        });
        released = await store.commit(chatKey, instanceId, {
          rev: chat.rev + 1,
          state: burst.state,
          appliedEventIds: [...chat.appliedEventIds, ...burst.applied.map(({ context }) => context.eventId)],
          wakeAt: burst.wakeAt,
          now: now(),
        });
        sending = [];
        // Lost the lease while stalled: the new holder applies these events again.
        if (!released) return false;
      }
      await clear(chatKey, burst.done);
      for (const { context, outbox } of burst.applied) await rememberIfUnused(context, outbox);
      if (burst.setAside) {
        released = true;
        await store.release(chatKey, instanceId);
        await setAside(burst.setAside.context, burst.setAside.reason);
      }
      return burst.applied.length > 0 || burst.done.length > 0 || Boolean(burst.setAside);
    } catch (error) {
      // A try not counted keeps the lease (not given back below): its next holder counts it.
      if (sending.length > 0 && !released && !(await countTry(sending))) released = true;
      throw error;
    } finally {
      heldUntil.delete(chatKey);
      if (!released) await store.release(chatKey, instanceId);
    }
  }

  /**
   * Events whose messages may have gone out failed before their commit: their next run must not be a
   * first try, which would reply before storing (see sender.sendAll). The try is counted on their
   * queue entries; when even that fails, the lease is kept to run out, and its next holder counts it
   * (takenOver). Says whether the lease may be given back.
   */
  async function countTry(eventIds: string[]): Promise<boolean> {
    try {
      await queue.updateMany({ _id: { $in: eventIds } }, { $inc: { attempts: 1 } });
      return true;
    } catch {
      return false;
    }
  }

  type Burst = {
    state: Record<string, unknown>;
    applied: { context: HandlerContext; outbox: OutgoingBatch[] }[];
    outbox: OutgoingBatch[];
    wakeAt?: Date | null;
    /** Queue entries with nothing (more) to do. */
    done: string[];
    /** An event that failed too often: set aside once the events before it are committed. */
    setAside?: { context: HandlerContext; reason: string };
  };

  async function applyBurst(chatKey: string, chat: ChatRecord, events: QueuedEvent[]): Promise<Burst> {
    const burst: Burst = { state: chat.state, applied: [], outbox: [], done: [] };
    let holderDied = chat.takenOver;
    for (const planned of events) {
      if (stopping) break;
      if (chat.appliedEventIds.includes(planned._id)) {
        // Applied before a crash, or by another instance since the plan was made.
        burst.done.push(planned._id);
        holderDied = false;
        continue;
      }
      // A retried event may have been postponed or set aside elsewhere since the plan: read it again.
      const queued =
        planned.attempts > 0 || holderDied ? await models.QueuedEvent.findById(planned._id).lean() : planned;
      if (!queued) continue;
      if (queued.nextAttemptAt.getTime() > now().getTime()) break;
      const stored = await eventOf(queued);
      if (stored === 'wait') break;
      if (stored === 'done') {
        burst.done.push(queued._id);
        holderDied = false;
        continue;
      }
      if (!(await keepLease(chatKey))) break;

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
        eventId: queued._id,
        event,
        chatKey,
        state: burst.state,
        receivedAt: stored.receivedAt,
        replyToken: stored.replyToken ?? undefined,
        replyTokenExpiresAt: stored.replyToken
          ? new Date(stored.receivedAt.getTime() + replyTokenLifetimeMs)
          : undefined,
        attempt,
        newsWaiting: chat.newsWaiting,
      };
      if (attempt > maxAttempts) {
        // Its apology comes after the answers to the events before it.
        burst.setAside = { context, reason: stored.lastError ?? 'too many attempts' };
        break;
      }

      let result: HandlerResult;
      try {
        result = await deps.handler(context);
      } catch (error) {
        reportError(error, { where: 'event handler', eventType: event.type, attempt });
        const message = error instanceof Error ? error.message : String(error);
        if (attempt >= maxAttempts) {
          burst.setAside = { context, reason: message };
          break;
        }
        await models.InboundEvent.updateOne(
          { _id: queued._id },
          { $set: { lastError: message.slice(0, 500) } },
        );
        await models.QueuedEvent.updateOne(
          { _id: queued._id },
          {
            $set: { attempts: attempt, nextAttemptAt: new Date(now().getTime() + 1000 * 2 ** (attempt - 1)) },
          },
        );
        break;
      }
      burst.state = result.state;
      burst.applied.push({ context, outbox: result.outbox });
      burst.outbox.push(...result.outbox);
      if (result.wakeAt !== undefined) burst.wakeAt = result.wakeAt;
      burst.done.push(queued._id);
    }
    return burst;
  }

  /**
   * What a queue entry applies: the event it carries, or (entries of older versions) its record. An
   * entry whose record is still on its way makes the chat wait; one whose record never came, or that
   * came with a redelivery of an event already done, or whose event was set aside, is only cleared.
   */
  async function eventOf(
    queued: QueuedEvent,
  ): Promise<
    | { payload: string; receivedAt: Date; replyToken?: string | null; lastError?: string | null }
    | 'wait'
    | 'done'
  > {
    const receivedAt = queued.receivedAt ?? queued.nextAttemptAt;
    if (queued.payload && queued.attempts === 0)
      return { payload: queued.payload, receivedAt, replyToken: queued.replyToken };
    const stored = await models.InboundEvent.findById(queued._id).lean();
    if (!stored) {
      if (queued.payload) return { payload: queued.payload, receivedAt, replyToken: queued.replyToken };
      return now().getTime() - queued.nextAttemptAt.getTime() < ORPHAN_MS ? 'wait' : 'done';
    }
    const redelivered = Boolean(queued.receivedAt && stored.receivedAt < queued.receivedAt);
    if (redelivered || stored.status === 'failed') return 'done';
    return stored;
  }

  /**
   * Makes sure the lease is ours for a while yet. A lease with two thirds of its time left cannot have
   * been taken over, so it is extended only when it ages.
   */
  async function keepLease(chatKey: string): Promise<boolean> {
    const at = now().getTime();
    if ((heldUntil.get(chatKey) ?? 0) - at > (leaseMs * 2) / 3) return true;
    if (!(await store.extend(chatKey, instanceId, new Date(at + leaseMs)))) return false;
    heldUntil.set(chatKey, at + leaseMs);
    return true;
  }

  /** Removing the queue entries is what makes the events done; a group's records keep only the dedupe marker. */
  async function clear(chatKey: string, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    // Group and room messages are answered with one line and never kept.
    if (!chatKey.startsWith('user:'))
      await models.InboundEvent.updateMany(
        { _id: { $in: ids } },
        { $set: { payload: '{}' }, $unset: { userId: '', replyToken: '' } },
      );
    await unqueue(ids);
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
    // The record says so first: a crash in between only leaves an entry to clear.
    await models.InboundEvent.updateOne(
      { _id: context.eventId },
      {
        $set: {
          status: 'failed',
          attempts: context.attempt - 1,
          processedAt: now(),
          lastError: reason.slice(0, 500),
          ...(context.chatKey.startsWith('user:') ? {} : { payload: '{}' }),
        },
      },
    );
    await models.QueuedEvent.deleteOne({ _id: context.eventId });
    if (apology) await sender.deliver(apology.id);
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
