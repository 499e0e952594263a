import type { Connection } from 'mongoose';
import type { Case, CaseStatus } from '../cases/case-schema';
import { caseModel } from '../cases/case-model';
import { handoffModel } from '../handoffs/model';
import { staffModels } from '../staff/models';
import { DEFAULT_SLA_DAYS, overdueDays, type SlaDays } from './sla-escalation';
import { activeCoordinators, notifyStaff, staffNotificationModel } from './staff-notifications';

const DAY_MS = 24 * 3600 * 1000;
/** Thailand keeps UTC+7 all year. */
const BANGKOK_OFFSET_MS = 7 * 3600 * 1000;

/** The Bangkok calendar day (YYYY-MM-DD) of an instant. */
export function bangkokDate(at: Date): string {
  return new Date(at.getTime() + BANGKOK_OFFSET_MS).toISOString().slice(0, 10);
}

/** Counts per province code ('' for cases whose province is unknown). */
export type ProvinceCounts = Map<string, number>;

/** A coordinator's share: their provinces, or everything when they have none. */
export function sumFor(counts: ProvinceCounts, provinces: string[]): number {
  let total = 0;
  for (const [code, n] of counts) if (provinces.length === 0 || provinces.includes(code)) total += n;
  return total;
}

async function countByProvince(
  connection: Connection,
  match: Record<string, unknown>,
): Promise<ProvinceCounts> {
  const rows = await caseModel(connection).aggregate<{ _id: string | null; n: number }>([
    { $match: match },
    { $group: { _id: '$location.resolved.provinceCode', n: { $sum: 1 } } },
  ]);
  return new Map(rows.map((row) => [row._id ?? '', row.n]));
}

async function overdueByProvince(
  connection: Connection,
  now: Date,
  slaDays: SlaDays,
): Promise<ProvinceCounts> {
  const counts: ProvinceCounts = new Map();
  const statuses = Object.keys(slaDays) as CaseStatus[];
  if (statuses.length === 0) return counts;
  const shortest = Math.min(...Object.values(slaDays));
  const cursor = caseModel(connection)
    .find(
      { status: { $in: statuses }, createdAt: { $lte: new Date(now.getTime() - shortest * DAY_MS) } },
      { _id: 0, status: 1, createdAt: 1, timeline: 1, 'location.resolved.provinceCode': 1 },
    )
    .lean<Pick<Case, 'status' | 'createdAt' | 'timeline' | 'location'>[]>()
    .cursor();
  for await (const record of cursor) {
    if (overdueDays(record, now, slaDays) === null) continue;
    const code = record.location?.resolved?.provinceCode ?? '';
    counts.set(code, (counts.get(code) ?? 0) + 1);
  }
  return counts;
}

export type DigestDeps = { connection: Connection; slaDays?: SlaDays };

export type DigestSummary = {
  date: string;
  coordinators: number;
  notifications: number;
  newCases: number;
  overdueCases: number;
  visitWaiting: number;
  handoffsOpen: number;
};

/**
 * One digest per coordinator per Bangkok day, over their provinces: cases created in the last 24
 * hours, cases overdue by the SLA rule, cases waiting for a home visit, and open hand-offs (these
 * are per user, not per province, so every coordinator sees all of them). The notification id
 * holds the day, so a second run that day tells nobody twice.
 */
export async function sendCoordinatorDigests(deps: DigestDeps, now: Date): Promise<DigestSummary> {
  const { connection } = deps;
  const date = bangkokDate(now);
  const since = new Date(now.getTime() - DAY_MS);
  const Handoff = handoffModel(connection);
  const [newCases, overdue, visitWaiting, handoffsOpen, handoffsWaitingOverDay, coordinators] =
    await Promise.all([
      countByProvince(connection, { createdAt: { $gte: since, $lt: now } }),
      overdueByProvince(connection, now, deps.slaDays ?? DEFAULT_SLA_DAYS),
      countByProvince(connection, { status: 'visit_scheduled' }),
      Handoff.countDocuments({ status: 'open' }),
      Handoff.countDocuments({ status: 'open', since: { $lte: since } }),
      activeCoordinators(staffModels(connection)),
    ]);

  const Notification = staffNotificationModel(connection);
  let notifications = 0;
  for (const coordinator of coordinators) {
    const created = await notifyStaff(Notification, {
      _id: `digest:${date}:${coordinator.id}`,
      staffId: coordinator.id,
      createdAt: now,
      data: {
        kind: 'daily_digest',
        date,
        provinces: coordinator.provinces,
        newCases: sumFor(newCases, coordinator.provinces),
        overdueCases: sumFor(overdue, coordinator.provinces),
        visitWaiting: sumFor(visitWaiting, coordinator.provinces),
        handoffsOpen,
        handoffsWaitingOverDay,
      },
    });
    if (created) notifications++;
  }
  return {
    date,
    coordinators: coordinators.length,
    notifications,
    newCases: sumFor(newCases, []),
    overdueCases: sumFor(overdue, []),
    visitWaiting: sumFor(visitWaiting, []),
    handoffsOpen,
  };
}
