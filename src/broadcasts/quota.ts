import type { Connection } from 'mongoose';
import { lineModels } from '../line/models';
import type { LineApi } from '../line/line-api';

export type ReserveOptions = {
  /** Share of the month's quota kept free for case status updates. */
  reservePercent: number;
  /** Kept free at least this many messages, whatever the percentage gives. */
  reserveMinimum: number;
};

export type QuotaSnapshot = {
  /** null: the plan has no monthly limit. */
  monthlyQuota: number | null;
  usedThisMonth: number;
  /** Status updates queued but not yet sent: they have first call on what is left. */
  pendingStatusUpdates: number;
};

export type QuotaPlan = QuotaSnapshot & {
  limited: boolean;
  reserve: number;
  /** What broadcasts may still spend this month. */
  availableForBroadcasts: number | null;
  cost: number;
  fits: boolean;
  note: string;
};

/** Pure: whether a broadcast of `cost` messages fits once status updates have their reserve. */
export function planQuota(snapshot: QuotaSnapshot, cost: number, options: ReserveOptions): QuotaPlan {
  if (snapshot.monthlyQuota === null) {
    return {
      ...snapshot,
      limited: false,
      reserve: 0,
      availableForBroadcasts: null,
      cost,
      fits: true,
      note: 'The plan has no monthly message limit.',
    };
  }
  const reserve = Math.max(
    options.reserveMinimum,
    Math.ceil((snapshot.monthlyQuota * options.reservePercent) / 100),
  );
  const available = Math.max(
    0,
    snapshot.monthlyQuota - snapshot.usedThisMonth - reserve - snapshot.pendingStatusUpdates,
  );
  return {
    ...snapshot,
    limited: true,
    reserve,
    availableForBroadcasts: available,
    cost,
    fits: cost <= available,
    note:
      `Case status updates go first: ${reserve} messages of the month's quota ` +
      `(${options.reservePercent} %, at least ${options.reserveMinimum}) and the ` +
      `${snapshot.pendingStatusUpdates} queued status updates are kept free; a chunk that would ` +
      'eat into them waits until the quota allows.',
  };
}

/** What LINE says of this month (its usage figure is approximate) and what we still owe residents. */
export async function quotaSnapshot(connection: Connection, lineApi: LineApi): Promise<QuotaSnapshot> {
  const [quota, consumption, pendingStatusUpdates] = await Promise.all([
    lineApi.call(({ client }) => client.getMessageQuota()),
    lineApi.call(({ client }) => client.getMessageQuotaConsumption()),
    lineModels(connection).OutboundMessage.countDocuments({ status: 'pending', priority: { $gt: 0 } }),
  ]);
  return {
    monthlyQuota: quota.type === 'limited' ? (quota.value ?? 0) : null,
    usedThisMonth: consumption.totalUsage,
    pendingStatusUpdates,
  };
}
