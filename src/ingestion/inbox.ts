import { duplicateIndexes } from '../db/models';
import { groupCommit } from '../db/group-commit';
import type { IngestionModels } from './models';
import type { SettleClock } from './event-order';
import { chatKeyOf, eventIdOf, type LineEvent } from './line-event';

/** LINE says a reply token is valid for about a minute after the webhook; keep a margin. */
export const REPLY_TOKEN_LIFETIME_MS = 50_000;

/** An event to store: from LINE, or made by us (a conversation timeout, a hand-off closed by staff). */
export type NewEvent = {
  id: string;
  chatKey: string;
  userId?: string;
  type: string;
  timestamp: number;
  replyToken?: string;
  /** The event as JSON text. */
  payload: string;
  imageSet?: { id: string; index: number };
  /** LINE sent it again: its timestamp says nothing of how long storing takes now. */
  redelivered?: boolean;
};

export type Outcome = 'accepted' | 'duplicate';

export function newEventOf(event: LineEvent): NewEvent {
  const imageSet = (event as { message?: { imageSet?: { id?: unknown; index?: unknown } } }).message
    ?.imageSet;
  return {
    ...(typeof imageSet?.id === 'string' && typeof imageSet.index === 'number'
      ? { imageSet: { id: imageSet.id, index: imageSet.index } }
      : {}),
    ...(event.deliveryContext?.isRedelivery ? { redelivered: true } : {}),
    id: eventIdOf(event),
    chatKey: chatKeyOf(event),
    userId: event.source?.userId,
    type: event.type,
    timestamp: event.timestamp,
    replyToken: 'replyToken' in event ? event.replyToken : undefined,
    payload: JSON.stringify(event),
  };
}

/**
 * Stores events durably and queues them for processing; answers, per event, whether it was new.
 * The record's primary key is the event id, so a redelivered or duplicated event is refused and
 * never applied twice. The queue entry goes first: a crash before the record is written leaves an
 * entry without a record (the processor drops it after a minute; LINE redelivers the unanswered
 * event), never a record that nothing will process.
 */
export async function storeEvents(
  models: IngestionModels,
  events: NewEvent[],
  now: Date,
): Promise<Outcome[]> {
  if (events.length === 0) return [];
  const entries = events.map((event) => ({
    _id: event.id,
    chatKey: event.chatKey,
    timestamp: event.timestamp,
    attempts: 0,
    nextAttemptAt: now,
    receivedAt: now,
    ...(event.imageSet ? { setId: event.imageSet.id, setIndex: event.imageSet.index } : {}),
    payload: event.payload,
    ...(event.replyToken ? { replyToken: event.replyToken } : {}),
  }));
  const alreadyQueued = await insertAllowingDuplicates(entries.length, () =>
    models.QueuedEvent.collection.insertMany(entries as never, { ordered: false }),
  );
  const records = events.map((event) => ({
    _id: event.id,
    chatKey: event.chatKey,
    ...(event.userId ? { userId: event.userId } : {}),
    type: event.type,
    timestamp: event.timestamp,
    receivedAt: now,
    ...(event.replyToken ? { replyToken: event.replyToken } : {}),
    payload: event.payload,
  }));
  const refused = await insertAllowingDuplicates(records.length, () =>
    models.InboundEvent.collection.insertMany(records as never, { ordered: false }),
  );
  // A duplicate of an event processed earlier: the entry just queued for it has nothing to do.
  const stale = [...refused].filter((index) => !alreadyQueued.has(index)).map((index) => events[index]!.id);
  if (stale.length > 0) await models.QueuedEvent.deleteMany({ _id: { $in: stale } });
  return events.map((_, index) => (refused.has(index) ? 'duplicate' : 'accepted'));
}

/** Runs a bulk insert of `count` documents; returns the indexes refused as duplicates, throws on anything else. */
async function insertAllowingDuplicates(count: number, insert: () => Promise<unknown>): Promise<Set<number>> {
  if (count === 0) return new Set();
  try {
    await insert();
    return new Set();
  } catch (error) {
    const refused = duplicateIndexes(error, count);
    if (!refused) throw error;
    return refused;
  }
}

export type AcceptResult = { accepted: number; duplicates: number; chatKeys: string[] };

/**
 * Group commit for the webhook: the events of requests that arrive while a write is in flight go
 * to the database together in the next one, so under load one insert carries many requests'
 * events. Each request still waits until its own events are durable.
 */
export function createEventAcceptor(
  models: IngestionModels,
  now: () => Date,
  {
    maxBatch = 500,
    maxWaiting = 5_000,
    settle,
  }: { maxBatch?: number; maxWaiting?: number; settle?: SettleClock } = {},
) {
  const store = groupCommit(
    async (events: NewEvent[]) => {
      const outcomes = await storeEvents(models, events, now());
      const storedAt = Date.now();
      for (const event of events) if (!event.redelivered) settle?.observe(event.timestamp, storedAt);
      return outcomes;
    },
    { maxBatch },
  );

  return async function accept(lineEvents: LineEvent[]): Promise<AcceptResult | 'overloaded'> {
    const events = lineEvents.map(newEventOf);
    if (events.length === 0) return { accepted: 0, duplicates: 0, chatKeys: [] };
    // While the database stalls, requests would pile up here; LINE's redelivery brings them back.
    if (store.queued() >= maxWaiting) return 'overloaded';
    const outcomes = await store(events);
    const accepted = events.filter((_, index) => outcomes[index] === 'accepted');
    return {
      accepted: accepted.length,
      duplicates: events.length - accepted.length,
      chatKeys: [...new Set(accepted.map((event) => event.chatKey))],
    };
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
