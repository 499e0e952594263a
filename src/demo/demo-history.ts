import type { CaseStatus, TimelineEntry } from '../cases/case-schema';
import { bangkokDay } from '../public/aggregates';
import { pick, weighted, type Random } from './people';

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
const PATH: CaseStatus[] = [
  'new',
  'reviewing',
  'visit_scheduled',
  'assessed',
  'approved',
  'in_progress',
  'completed',
];
/** Days each step takes, [at least, at most]. */
const STEP_DAYS: Record<string, [number, number]> = {
  reviewing: [0.5, 4],
  visit_scheduled: [1, 6],
  assessed: [3, 12],
  approved: [4, 15],
  in_progress: [5, 20],
  completed: [10, 45],
};

const between = (random: Random, [low, high]: [number, number]) => low + random() * (high - low);
type Target = CaseStatus;

/** Where a case of this age has got to: young ones are new, old ones mostly done. */
export function targetStatus(random: Random, ageDays: number): Target {
  if (ageDays < 10)
    return weighted(random, [
      ['new', 55],
      ['reviewing', 30],
      ['visit_scheduled', 15],
    ] as const);
  if (ageDays < 60)
    return weighted(random, [
      ['new', 4],
      ['reviewing', 12],
      ['visit_scheduled', 18],
      ['assessed', 18],
      ['approved', 14],
      ['in_progress', 20],
      ['declined', 5],
      ['duplicate', 4],
      ['withdrawn', 5],
    ] as const);
  return weighted(random, [
    ['completed', 58],
    ['in_progress', 10],
    ['approved', 6],
    ['assessed', 4],
    ['declined', 10],
    ['withdrawn', 6],
    ['duplicate', 6],
  ] as const);
}

export type DemoHistoryInput = {
  createdAt: Date;
  now: Date;
  staffId: string;
  actor: 'volunteer' | 'reporter';
  reporterId: string;
  target: CaseStatus;
  /** References of earlier cases of the same district, for a duplicate. */
  earlier: string[];
};

/** A plausible case history up to its target status: each step after the one before, never past now. */
export function demoHistory(random: Random, input: DemoHistoryInput) {
  const { createdAt, now, staffId, reporterId, target, earlier } = input;
  const timeline: TimelineEntry[] = [
    {
      at: createdAt,
      kind: 'created',
      actor: input.actor,
      actorId: reporterId,
      to: 'new',
    },
  ];
  let status = 'new' as CaseStatus;
  let at = createdAt;
  let visitDate: string | undefined;
  let firstActionAt: Date | undefined;
  let completedAt: Date | undefined;
  const change = (to: CaseStatus, when: Date) => {
    timeline.push({ at: when, kind: 'status_changed', actor: 'staff', actorId: staffId, from: status, to });
    firstActionAt ??= when;
    status = to;
    at = when;
  };
  const walkTo = (last: CaseStatus) => {
    for (const step of PATH.slice(1, PATH.indexOf(last) + 1)) {
      const when = new Date(at.getTime() + between(random, STEP_DAYS[step]!) * DAY_MS);
      if (when.getTime() > now.getTime() - HOUR_MS) return;
      if (step === 'visit_scheduled') {
        visitDate = bangkokDay(new Date(when.getTime() + between(random, [2, 9]) * DAY_MS));
      }
      if (step === 'assessed' && visitDate) {
        const visited = new Date(`${visitDate}T15:00:00+07:00`);
        if (visited.getTime() > now.getTime() - HOUR_MS) return;
        change(step, visited > when ? visited : when);
        timeline.push({
          at,
          kind: 'note',
          actor: 'staff',
          actorId: staffId,
          text: 'เยี่ยมบ้านแล้ว วัดขนาดและถ่ายรูปไว้',
          visibility: 'internal',
        });
        continue;
      }
      change(step, when);
      if (step === 'completed') completedAt = when;
    }
  };
  let declineReason: string | undefined;
  let duplicateOf: string | undefined;
  if (PATH.includes(target)) walkTo(target);
  else if (target === 'declined') {
    walkTo('assessed');
    if (status === 'assessed') {
      change('declined', new Date(at.getTime() + 3 * DAY_MS));
      declineReason = 'บ้านอยู่นอกพื้นที่ของโครงการในปีนี้';
    }
  } else if (target === 'withdrawn') {
    walkTo(random() < 0.5 ? 'reviewing' : 'visit_scheduled');
    timeline.push({
      at: new Date(at.getTime() + DAY_MS),
      kind: 'withdrawn',
      actor: 'reporter',
      actorId: reporterId,
    });
    change('withdrawn', new Date(at.getTime() + DAY_MS));
    timeline.at(-1)!.actor = 'reporter';
  } else if (target === 'duplicate') {
    if (earlier.length > 0) {
      duplicateOf = pick(random, earlier);
      change('duplicate', new Date(at.getTime() + 2 * DAY_MS));
    }
  }
  return { timeline, status, at, visitDate, firstActionAt, completedAt, declineReason, duplicateOf };
}
