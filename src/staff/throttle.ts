import { createHash } from 'node:crypto';
import type { StaffModels } from './models';

export type LoginLimits = {
  /** Failures allowed for one email within the window before it is locked. */
  perEmail: number;
  /** Failures allowed from one IP within the window (higher: offices share addresses). */
  perIp: number;
  windowMs: number;
  lockMs: number;
};

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  perEmail: 5,
  perIp: 20,
  windowMs: 15 * 60 * 1000,
  lockMs: 15 * 60 * 1000,
};

/** Emails are hashed so the throttle collection holds no addresses, including mistyped ones. */
export const emailKey = (email: string) =>
  `email:${createHash('sha256').update(email.trim().toLowerCase()).digest('hex')}`;
export const ipKey = (ip: string) => `ip:${ip}`;

const DUPLICATE_KEY = 11000;

/**
 * Counters live in MongoDB because several instances answer logins. Without transactions each
 * step is a single-document write; a race can at worst reset a window a moment early or lock a
 * moment late, never let attempts through unlimited.
 */
export function loginThrottle(models: StaffModels, limits: LoginLimits) {
  const { LoginThrottle } = models;

  async function increment(key: string, now: Date): Promise<number> {
    const update = {
      $inc: { failures: 1 },
      $setOnInsert: { windowStart: now, lockedUntil: new Date(0) },
    };
    try {
      const doc = await LoginThrottle.findOneAndUpdate({ key }, update, {
        upsert: true,
        returnDocument: 'after',
      }).lean();
      return doc?.failures ?? 1;
    } catch (error) {
      // Two first failures at once: the loser's upsert collides with the winner's insert.
      if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
      const doc = await LoginThrottle.findOneAndUpdate({ key }, update, { returnDocument: 'after' }).lean();
      return doc?.failures ?? 1;
    }
  }

  async function recordFailure(key: string, limit: number, now: Date): Promise<void> {
    await LoginThrottle.updateOne(
      { key, windowStart: { $lte: new Date(now.getTime() - limits.windowMs) } },
      { $set: { windowStart: now, failures: 0 } },
    );
    const failures = await increment(key, now);
    if (failures >= limit) {
      await LoginThrottle.updateOne(
        { key },
        { $set: { lockedUntil: new Date(now.getTime() + limits.lockMs), failures: 0, windowStart: now } },
      );
    }
  }

  return {
    /** When the email or the IP is locked, until when; otherwise null. */
    async lockedUntil(email: string, ip: string, now: Date): Promise<Date | null> {
      const locks = await LoginThrottle.find({
        key: { $in: [emailKey(email), ipKey(ip)] },
        lockedUntil: { $gt: now },
      }).lean();
      const until = locks.map((lock) => lock.lockedUntil.getTime());
      return until.length > 0 ? new Date(Math.max(...until)) : null;
    },
    async recordFailure(email: string, ip: string, now: Date): Promise<void> {
      await recordFailure(emailKey(email), limits.perEmail, now);
      await recordFailure(ipKey(ip), limits.perIp, now);
    },
    /** A correct password clears the email's count; the IP's stays, so one valid account cannot reset it. */
    async recordSuccess(email: string): Promise<void> {
      await LoginThrottle.deleteOne({ key: emailKey(email) });
    },
  };
}
