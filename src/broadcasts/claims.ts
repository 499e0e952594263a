import { isDuplicateKey, type BroadcastModels } from './models';

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
  const latest = await models.Claim.findOne({ key }, { seq: 1, owner: 1, at: 1, released: 1 })
    .sort({ seq: -1 })
    .lean();
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
