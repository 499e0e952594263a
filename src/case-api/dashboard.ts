import type { QueryFilter } from 'mongoose';
import type { Case } from '../cases/case-schema';
import type { CaseModel } from '../cases/case-model';
import { isoDay } from './exports';

const DAY_MS = 86_400_000;

/** The median of a list (null when empty); computed here because the subset has no $median/$avg. */
export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Monday (Bangkok calendar) of the week an instant falls in, as YYYY-MM-DD. */
export function weekOf(at: Date): string {
  const day = new Date(`${isoDay(at)}T00:00:00Z`);
  const sinceMonday = (day.getUTCDay() + 6) % 7;
  return new Date(day.getTime() - sinceMonday * DAY_MS).toISOString().slice(0, 10);
}

const round1 = (value: number | null) => (value === null ? null : Math.round(value * 10) / 10);

async function countBy(
  cases: CaseModel,
  filter: QueryFilter<Case>,
  field: string,
): Promise<Record<string, number>> {
  const groups = await cases.aggregate<{ _id: string | null; count: number }>([
    { $match: filter },
    { $group: { _id: `$${field}`, count: { $sum: 1 } } },
  ]);
  const result: Record<string, number> = {};
  for (const group of groups) result[group._id ?? 'unknown'] = group.count;
  return result;
}

async function days(
  cases: CaseModel,
  filter: QueryFilter<Case>,
  field: 'firstActionAt' | 'completedAt',
): Promise<number[]> {
  const values: number[] = [];
  const cursor = cases
    .find({ $and: [filter, { [field]: { $exists: true } }] } as QueryFilter<Case>, {
      _id: 0,
      createdAt: 1,
      [field]: 1,
    })
    .lean<Pick<Case, 'createdAt' | 'firstActionAt' | 'completedAt'>[]>()
    .cursor({ batchSize: 1000 });
  for await (const row of cursor) {
    const end = row[field];
    if (end) values.push((end.getTime() - row.createdAt.getTime()) / DAY_MS);
  }
  return values;
}

/**
 * The dashboard figures, within the subset: $group with $sum only for the counts; weeks and
 * medians from projected fields, in code.
 */
export async function dashboardFigures(
  cases: CaseModel,
  filter: QueryFilter<Case>,
  now: Date,
  weeks: number,
) {
  const [byStatus, byCategory, byProvince, byPriority] = await Promise.all([
    countBy(cases, filter, 'status'),
    countBy(cases, filter, 'category'),
    countBy(cases, filter, 'location.resolved.provinceCode'),
    countBy(cases, filter, 'priority.level'),
  ]);
  const firstWeek = weekOf(new Date(now.getTime() - (weeks - 1) * 7 * DAY_MS));
  const perWeek = new Map<string, number>();
  for (let i = 0; i < weeks; i++) {
    const week = new Date(new Date(`${firstWeek}T00:00:00Z`).getTime() + i * 7 * DAY_MS)
      .toISOString()
      .slice(0, 10);
    perWeek.set(week, 0);
  }
  const since = new Date(`${firstWeek}T00:00:00+07:00`);
  const recent = cases
    .find({ $and: [filter, { createdAt: { $gte: since } }] } as QueryFilter<Case>, { _id: 0, createdAt: 1 })
    .lean<Pick<Case, 'createdAt'>[]>()
    .cursor({ batchSize: 1000 });
  for await (const row of recent) {
    const week = weekOf(row.createdAt);
    if (perWeek.has(week)) perWeek.set(week, perWeek.get(week)! + 1);
  }
  const [toAction, toCompletion] = await Promise.all([
    days(cases, filter, 'firstActionAt'),
    days(cases, filter, 'completedAt'),
  ]);
  return {
    total: Object.values(byStatus).reduce((sum, n) => sum + n, 0),
    byStatus,
    byCategory,
    byProvince,
    byPriority,
    newPerWeek: [...perWeek].map(([week, count]) => ({ week, count })),
    medianDaysToFirstAction: round1(median(toAction)),
    medianDaysToCompletion: round1(median(toCompletion)),
    measured: { firstAction: toAction.length, completion: toCompletion.length },
  };
}
