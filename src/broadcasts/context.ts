import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import type { LineApi } from '../line/line-api';
import type { Logger } from '../logger';
import { broadcastModels } from './models';
import type { ReserveOptions } from './quota';
import { multicastLimiter, type RateLimiter } from './rate-limiter';

export type BroadcastOptions = ReserveOptions & {
  /** LINE's multicast takes at most 500 recipients. */
  chunkSize: number;
  /** Chunks in flight at once; the rate limiter keeps them within LINE's 200 requests/s. */
  concurrency: number;
  /** A runner that stops renewing its claim on a broadcast for this long is taken over. */
  leaseMs: number;
  /** An attempt older than this whose outcome was never recorded is retried (same retry key). */
  chunkClaimMs: number;
  /** Attempts per chunk in one run before it is left for the next run. */
  attemptsPerRun: number;
  /** Attempts per chunk in all, after which it is recorded as failed. */
  maxAttempts: number;
  backoffMs: number;
  /** LINE keeps a retry key 24 hours: past this, a resend could deliver twice, so it is not made. */
  retryKeyLifetimeMs: number;
};

export const DEFAULT_BROADCAST_OPTIONS: BroadcastOptions = {
  chunkSize: 500,
  concurrency: 8,
  leaseMs: 60_000,
  chunkClaimMs: 60_000,
  attemptsPerRun: 4,
  maxAttempts: 10,
  backoffMs: 500,
  retryKeyLifetimeMs: 23 * 3600_000,
  reservePercent: 10,
  reserveMinimum: 0,
};

export type BroadcastDeps = {
  connection: Connection;
  lineApi: LineApi;
  logger: Logger;
  clock?: () => Date;
  /** Names this process in claims; random when absent. */
  instanceId?: string;
  options?: Partial<BroadcastOptions>;
  /** Shared by every broadcast of the process by default (LINE's limit is per channel). */
  limiter?: RateLimiter;
};

export function broadcastContext(deps: BroadcastDeps) {
  return {
    connection: deps.connection,
    lineApi: deps.lineApi,
    logger: deps.logger,
    clock: deps.clock ?? (() => new Date()),
    owner: deps.instanceId ?? `broadcast-${randomUUID().slice(0, 8)}`,
    options: { ...DEFAULT_BROADCAST_OPTIONS, ...deps.options },
    limiter: deps.limiter ?? multicastLimiter,
    models: broadcastModels(deps.connection),
  };
}

export type BroadcastContext = ReturnType<typeof broadcastContext>;
