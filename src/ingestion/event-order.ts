/**
 * The order a chat's events are applied in, and when an event is ripe to apply.
 *
 * Several instances store a chat's events, each as LINE delivered it to that instance; an event sent
 * earlier can reach the database a little after a later one. An event is applied only once it is older
 * than the longest recent storage lag (its LINE timestamp to durable in our database): by then every
 * earlier event of its chat that was not slower than that is stored too. The lag is measured against
 * LINE's timestamps, so a clock skew between LINE and this machine is part of it and cancels out.
 */

/** The part of a queued event the order needs. */
export type Orderable = { timestamp: number; setId?: string | null; setIndex?: number | null };

/**
 * LINE's timestamp order, except that the photos of one image set keep their `index` order among the
 * places the set's photos hold: they are sent together, often within a millisecond, in any order.
 */
export function orderInChat<T extends Orderable>(events: T[]): T[] {
  const byTime = [...events].sort((a, b) => a.timestamp - b.timestamp);
  const sets = new Map<string, T[]>();
  for (const event of byTime)
    if (event.setId) sets.set(event.setId, [...(sets.get(event.setId) ?? []), event]);
  for (const members of sets.values()) members.sort((a, b) => (a.setIndex ?? 0) - (b.setIndex ?? 0));
  const taken = new Map<string, number>();
  return byTime.map((event) => {
    if (!event.setId) return event;
    const at = taken.get(event.setId) ?? 0;
    taken.set(event.setId, at + 1);
    return sets.get(event.setId)![at]!;
  });
}

export type SettleClock = {
  /** Records how long an event took from LINE's timestamp to durable here. */
  observe(timestamp: number, storedAt: number): void;
  /** How long after its LINE timestamp an event may be applied, now. */
  settleMs(now: number): number;
};

/** The window over which the longest lag is remembered, in one-second buckets. */
const WINDOW_SECONDS = 10;

/**
 * The settle time is the longest storage lag seen in the last ten seconds plus a margin, kept between
 * `minMs` and `maxMs`: quiet, it is the minimum; when acknowledgements slow under load, it follows
 * them, so a busy instance waits as long as a late event may take to arrive. Redelivered events (lag of
 * minutes) are not observed: the caller leaves them out.
 */
export function createSettleClock({
  minMs,
  maxMs,
  marginMs = 20,
}: {
  minMs: number;
  maxMs: number;
  marginMs?: number;
}): SettleClock {
  const buckets = new Map<number, number>();
  return {
    observe(timestamp, storedAt) {
      const lag = storedAt - timestamp;
      if (!(lag > 0)) return;
      const second = Math.floor(storedAt / 1000);
      buckets.set(second, Math.max(buckets.get(second) ?? 0, lag));
      for (const key of buckets.keys()) if (key <= second - WINDOW_SECONDS) buckets.delete(key);
    },
    settleMs(now) {
      const since = Math.floor(now / 1000) - WINDOW_SECONDS;
      let longest = 0;
      for (const [second, lag] of buckets) if (second > since) longest = Math.max(longest, lag);
      return Math.min(maxMs, Math.max(minMs, longest + marginMs));
    },
  };
}
