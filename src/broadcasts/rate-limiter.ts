import { setTimeout as sleep } from 'node:timers/promises';

export type RateLimiter = { acquire(): Promise<void> };

/**
 * Spaces requests evenly at `perSecond` (no burst), so a fan-out never trips LINE's token bucket
 * by itself; 429s from other instances sharing the channel are still handled by backing off.
 */
export function createRateLimiter(perSecond: number): RateLimiter {
  const interval = 1000 / perSecond;
  let next = 0;
  return {
    async acquire() {
      const now = performance.now();
      const at = Math.max(now, next);
      next = at + interval;
      if (at > now) await sleep(at - now);
    },
  };
}

/** LINE's multicast limit is per channel: one limiter for every broadcast in this process. */
export const multicastLimiter = createRateLimiter(200);
