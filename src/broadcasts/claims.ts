import { type BroadcastModels } from './models';
import { isDuplicateKey } from '../db/models';

export type Claim = {
  /** Marks the claim as alive now, so no one supersedes it. */
  renew(): Promise<void>;
  /** Lets the next worker take over at once. */
  release(): Promise<void>;
};

/**
 * Takes `key` unless someone else holds a claim on it that is younger than `ttlMs` and not released.
 * Two workers racing for the same seq: one insert wins, the other gets null.
 */
export async function takeClaim(
  models: BroadcastModels,
  key: string,
  owner: string,
  ttlMs: number,
  now: () => Date,
): Promise<Claim | null> {
  const latest = await latestClaim(models, key);
  const at = now();
  if (latest && !latest.released && latest.at.getTime() > at.getTime() - ttlMs) return null;
  const seq = (latest?.seq ?? 0) + 1;
  const id = `${key}#${seq}`;
  try {
    await models.Claim.create({ _id: id, key, seq, owner, at, released: false });
  } catch (error) {
    if (isDuplicateKey(error)) return null;
    throw error;
  }
  return {
    async renew() {
      await models.Claim.updateOne({ _id: id }, { $set: { at: now() } });
    },
    async release() {
      await models.Claim.updateOne({ _id: id }, { $set: { released: true } });
    },
  };
}

/**
 * The newest claim on `key`. Claims of a key are numbered 1, 2, 3… without gaps (each is the latest
 * plus one, by a unique insert), so the newest is found by `_id` lookups alone: doubling until one
 * is missing, then halving. A handful of lookups by the primary key, where a query on `key` reads
 * every claim ever made on FerretDB (one per chunk of every broadcast).
 */
async function latestClaim(models: BroadcastModels, key: string) {
  const find = (seq: number) =>
    models.Claim.findById(`${key}#${seq}`, { seq: 1, owner: 1, at: 1, released: 1 }).lean();
  let found = await find(1);
  if (!found) return null;
  let low = 1;
  let high = 2;
  for (let next = await find(high); next; next = await find(high)) {
    found = next;
    low = high;
    high *= 2;
  }
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    const next = await find(middle);
    if (next) {
      found = next;
      low = middle;
    } else high = middle;
  }
  return found;
}

export type GateOutcome = 'started' | 'cancelled';

/**
 * Start and cancel race for one unique insert: whichever lands first decides, for good. Returns
 * the outcome that holds (the caller's, or the one that was there first).
 */
export async function passGate(
  models: BroadcastModels,
  broadcastId: string,
  outcome: GateOutcome,
  owner: string,
  at: Date,
): Promise<GateOutcome> {
  const id = `${broadcastId}:gate`;
  try {
    await models.Claim.create({ _id: id, key: id, seq: 0, owner, at, released: false, outcome });
    return outcome;
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    const existing = await models.Claim.findById(id, { outcome: 1 }).lean();
    return existing?.outcome === 'cancelled' ? 'cancelled' : 'started';
  }
}
