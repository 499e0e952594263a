import { isDuplicateKey } from '../db/models';
import { createHash } from 'node:crypto';
import type { StaffModels } from './models';

export type LoginLimits = {
  /** Failures allowed for one email from one address within the window before that client is refused. */
  perClient: number;
  /** Failures allowed from one address within the window (higher: offices share addresses). */
  perIp: number;
  /**
   * Failures for one account from all addresses within the window after which it is slowed down:
   * one try per `slowMs`, whoever tries. No header can get around this one, and it never locks the
   * owner out for long.
   */
  perAccount: number;
  slowMs: number;
  /** Failures for one account within the window at which admins are told it is being guessed at. */
  alertAt: number;
  windowMs: number;
  lockMs: number;
};

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  perClient: 5,
  perIp: 20,
  perAccount: 30,
  slowMs: 10_000,
  alertAt: 10,
  windowMs: 15 * 60 * 1000,
  lockMs: 15 * 60 * 1000,
};

/** Emails are hashed so the throttle collection holds no addresses, including mistyped ones. */
export const emailKey = (email: string) =>
  `email:${createHash('sha256').update(email.trim().toLowerCase()).digest('hex')}`;
export const ipKey = (ip: string) => `ip:${ip}`;
export const clientKey = (email: string, ip: string) =>
  `client:${emailKey(email).slice('email:'.length)}:${ip}`;

/**
 * Counters live in MongoDB because several instances answer logins. Without transactions each
 * step is a single-document write; a race can at worst reset a window a moment early or lock a
 * moment late, never let attempts through unlimited.
 */
export function loginThrottle(models: StaffModels, limits: LoginLimits) {
  const { LoginThrottle } = models;

  async function increment(key: string, now: Date): Promise<{ failures: number; windowStart: Date }> {
    const update = {
      $inc: { failures: 1 },
      $setOnInsert: { windowStart: now, lockedUntil: new Date(0) },
    };
    try {
      const doc = await LoginThrottle.findOneAndUpdate({ key }, update, {
        upsert: true,
        returnDocument: 'after',
      }).lean();
      return { failures: doc?.failures ?? 1, windowStart: doc?.windowStart ?? now };
    } catch (error) {
      // Two first failures at once: the loser's upsert collides with the winner's insert.
      if (!isDuplicateKey(error)) throw error;
      const doc = await LoginThrottle.findOneAndUpdate({ key }, update, { returnDocument: 'after' }).lean();
      return { failures: doc?.failures ?? 1, windowStart: doc?.windowStart ?? now };
    }
  }

  /** Counts a failure in the key's window; at `limit`, locks the key for `lockMs`. Returns the count and its window. */
  async function recordFailure(
    key: string,
    limit: number,
    lockMs: number,
    now: Date,
  ): Promise<{ failures: number; windowStart: Date }> {
    await LoginThrottle.updateOne(
      { key, windowStart: { $lte: new Date(now.getTime() - limits.windowMs) } },
      { $set: { windowStart: now, failures: 0 } },
    );
    const doc = await increment(key, now);
    if (doc.failures >= limit)
      await LoginThrottle.updateOne({ key }, { $set: { lockedUntil: new Date(now.getTime() + lockMs) } });
    return doc;
  }

  return {
    /** When this client (email and address), the address or the account is refused, until when; otherwise null. */
    async lockedUntil(email: string, ip: string, now: Date): Promise<Date | null> {
      const locks = await LoginThrottle.find({
        key: { $in: [clientKey(email, ip), ipKey(ip), emailKey(email)] },
        lockedUntil: { $gt: now },
      }).lean();
      const until = locks.map((lock) => lock.lockedUntil.getTime());
      return until.length > 0 ? new Date(Math.max(...until)) : null;
    },
    /** Says when the account has just reached the alert count: once per window. */
    async recordFailure(email: string, ip: string, now: Date): Promise<{ guessedSince?: Date }> {
      await recordFailure(clientKey(email, ip), limits.perClient, limits.lockMs, now);
      await recordFailure(ipKey(ip), limits.perIp, limits.lockMs, now);
      const account = await recordFailure(emailKey(email), limits.perAccount, limits.slowMs, now);
      return account.failures === limits.alertAt ? { guessedSince: account.windowStart } : {};
    },
    /** A correct password clears this client's count; the address's and the account's stay. */
    async recordSuccess(email: string, ip: string): Promise<void> {
      await LoginThrottle.deleteOne({ key: clientKey(email, ip) });
    },
  };
}
