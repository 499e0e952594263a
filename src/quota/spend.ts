import type { Connection } from 'mongoose';
import { z } from 'zod';
import { broadcastModels } from '../broadcasts/models';
import { quotaSnapshot, type QuotaSnapshot } from '../broadcasts/quota';
import { DEFAULT_BROADCAST_OPTIONS } from '../broadcasts/context';
import { ingestionModels } from '../ingestion/models';
import type { LineApi } from '../line/line-api';

export const SPEND_KINDS = ['statusUpdates', 'broadcasts', 'handoffAnswers', 'other'] as const;
export type SpendKind = (typeof SPEND_KINDS)[number];

/** What each message purpose (outbound_messages.purpose) is spent on. */
const KIND_OF_PURPOSE: Record<string, SpendKind> = {
  case_status: 'statusUpdates',
  case_merged: 'statusUpdates',
  case_note: 'statusUpdates',
  staff: 'handoffAnswers',
};

export const spendView = z.object({
  /** The quota month (LINE counts per calendar month, Japan time): its first moment and its end. */
  month: z.object({ start: z.string(), end: z.string() }),
  /** null: the plan has no monthly limit. */
  monthlyQuota: z.number().int().nullable(),
  /** LINE's own figure (approximate); it also counts what other tools sent on the channel. */
  usedThisMonth: z.number().int(),
  /** Our own count of the quota messages we sent, by kind. */
  byKind: z.record(z.enum(SPEND_KINDS), z.number().int()),
  /** Status-update messages per case told this month (a push telling two cases counts half to each). */
  statusUpdates: z.object({
    messages: z.number().int(),
    cases: z.number().int(),
    averagePerCase: z.number().nullable(),
  }),
  /** Status updates waiting to be sent: they have first call on what is left. */
  pendingStatusUpdates: z.number().int(),
  /** Messages a day so far this month. */
  dailyRate: z.number(),
  /** How many days what is left lasts at that rate; null when unlimited or nothing is spent yet. */
  daysLeft: z.number().nullable(),
  daysToMonthEnd: z.number(),
  /** The quota kept for status updates (broadcasts may not use it). */
  statusReserve: z.number().int(),
  /**
   * `ok`; `watch` when at this rate the quota runs out before the month ends; `warning` when what is
   * left is within the status-update reserve or runs out within 3 days: status updates would be held
   * (LINE refuses pushes once the quota is spent, until the next month).
   */
  level: z.enum(['ok', 'watch', 'warning']),
  /** The day the quota runs out at this rate (YYYY-MM-DD, Bangkok), when it is within the month. */
  runsOutOn: z.string().nullable(),
});
export type SpendView = z.infer<typeof spendView>;

const DAY_MS = 24 * 3600_000;
const JAPAN_MS = 9 * 3600_000;

/** The quota month around `now`: LINE counts per calendar month in Japan time. */
export function quotaMonth(now: Date): { start: Date; end: Date } {
  const japan = new Date(now.getTime() + JAPAN_MS);
  const start = Date.UTC(japan.getUTCFullYear(), japan.getUTCMonth(), 1) - JAPAN_MS;
  const end = Date.UTC(japan.getUTCFullYear(), japan.getUTCMonth() + 1, 1) - JAPAN_MS;
  return { start: new Date(start), end: new Date(end) };
}

export type SpendFacts = QuotaSnapshot & {
  byKind: Record<SpendKind, number>;
  statusMessages: number;
  statusCases: number;
};

/** Pure: the dashboard's figures from what was counted. */
export function projectSpend(
  facts: SpendFacts,
  now: Date,
  reserve: { percent: number; minimum: number },
): SpendView {
  const { start, end } = quotaMonth(now);
  const elapsedDays = Math.max(1, (now.getTime() - start.getTime()) / DAY_MS);
  const daysToMonthEnd = Math.max(0, (end.getTime() - now.getTime()) / DAY_MS);
  const dailyRate = facts.usedThisMonth / elapsedDays;
  const limited = facts.monthlyQuota !== null;
  const left = limited ? Math.max(0, facts.monthlyQuota! - facts.usedThisMonth) : Infinity;
  const daysLeft = limited && dailyRate > 0 ? left / dailyRate : null;
  const statusReserve = limited
    ? Math.max(reserve.minimum, Math.ceil((facts.monthlyQuota! * reserve.percent) / 100))
    : 0;
  const runsOut = daysLeft !== null && daysLeft < daysToMonthEnd;
  const level = !limited
    ? 'ok'
    : left - facts.pendingStatusUpdates <= statusReserve || (runsOut && daysLeft! <= 3)
      ? 'warning'
      : runsOut
        ? 'watch'
        : 'ok';
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    month: { start: start.toISOString(), end: end.toISOString() },
    monthlyQuota: facts.monthlyQuota,
    usedThisMonth: facts.usedThisMonth,
    byKind: facts.byKind,
    statusUpdates: {
      messages: facts.statusMessages,
      cases: facts.statusCases,
      averagePerCase: facts.statusCases > 0 ? round(facts.statusMessages / facts.statusCases) : null,
    },
    pendingStatusUpdates: facts.pendingStatusUpdates,
    dailyRate: round(dailyRate),
    daysLeft: daysLeft === null ? null : round(daysLeft),
    daysToMonthEnd: round(daysToMonthEnd),
    statusReserve,
    level,
    runsOutOn: runsOut
      ? new Date(now.getTime() + daysLeft! * DAY_MS + 7 * 3600_000).toISOString().slice(0, 10)
      : null,
  };
}

/**
 * What this month's quota went on, from our own records: each pushed chunk of a message (one
 * recipient each) and each sent broadcast chunk (its recipients). Replies are free and not counted.
 */
export async function countSpend(
  connection: Connection,
  now: Date,
): Promise<Pick<SpendFacts, 'byKind' | 'statusMessages' | 'statusCases'>> {
  const { start } = quotaMonth(now);
  const byKind: Record<SpendKind, number> = { statusUpdates: 0, broadcasts: 0, handoffAnswers: 0, other: 0 };
  // A message is created before it is pushed; one older than the month may have a chunk pushed in it.
  const outbound = await ingestionModels(connection)
    .OutboundMessage.find(
      { createdAt: { $gte: new Date(start.getTime() - 2 * DAY_MS) }, status: { $ne: 'pending' } },
      { purpose: 1, chunks: 1, caseReference: 1, caseReferences: 1 },
    )
    .lean();
  const caseShare = new Map<string, number>();
  let statusMessages = 0;
  for (const message of outbound) {
    const pushed = message.chunks.filter(
      (chunk) => chunk.via === 'push' && chunk.sentAt && chunk.sentAt.getTime() >= start.getTime(),
    ).length;
    if (pushed === 0) continue;
    const kind = KIND_OF_PURPOSE[message.purpose] ?? 'other';
    byKind[kind] += pushed;
    if (kind !== 'statusUpdates') continue;
    statusMessages += pushed;
    const references = message.caseReferences?.length
      ? message.caseReferences
      : message.caseReference
        ? [message.caseReference]
        : [];
    for (const reference of references) caseShare.set(reference, (caseShare.get(reference) ?? 0) + 1);
  }
  const chunks = await broadcastModels(connection)
    .Chunk.find({ status: 'sent', sentAt: { $gte: start } }, { recipientCount: 1 })
    .lean();
  byKind.broadcasts = chunks.reduce((sum, chunk) => sum + chunk.recipientCount, 0);
  return { byKind, statusMessages, statusCases: caseShare.size };
}

/** The dashboard's quota card: LINE's figures and ours. */
export async function quotaSpend(connection: Connection, lineApi: LineApi, now: Date): Promise<SpendView> {
  const [snapshot, counted] = await Promise.all([
    quotaSnapshot(connection, lineApi),
    countSpend(connection, now),
  ]);
  return projectSpend({ ...snapshot, ...counted }, now, {
    percent: DEFAULT_BROADCAST_OPTIONS.reservePercent,
    minimum: DEFAULT_BROADCAST_OPTIONS.reserveMinimum,
  });
}
