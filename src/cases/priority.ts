import {
  PRIORITY_QUESTIONS,
  type CaseCategory,
  type HouseholdQuestion,
  type Priority,
  type Tenure,
  type VulnerableMember,
} from './case-schema';

/**
 * The vulnerability score: transparent on purpose, so staff, partners and the people reporting can
 * see why a case ranks where it does. It only orders the queue; need is verified by a home visit.
 *
 * | factor                                   | points |
 * |------------------------------------------|-------:|
 * | category: unsafe or no home              |     30 |
 * | category: disaster damage                |     25 |
 * | category: roof, walls or floor           |     10 |
 * | category: adaptation for elderly/disabled|     10 |
 * | category: toilet, water or electricity   |      8 |
 * | member: disabled                         |     12 |
 * | member: elderly (60+)                    |     10 |
 * | member: chronically ill                  |      8 |
 * | member: child under 5                    |      8 |
 * | member: pregnant                         |      8 |
 * | household of 6 or more                   |      8 |
 * | household of 4 or 5                      |      4 |
 * | tenure: public land (eviction risk)      |     10 |
 * | tenure: renting                          |      5 |
 * | tenure: not sure                         |      5 |
 *
 * Each vulnerable group counts once, however many members belong to it. Levels by total score:
 * urgent >= 50, high >= 30, medium >= 15, low below. The highest possible score is 94.
 *
 * A short report has its reference before the household questions are answered: until then the score
 * counts what is known, and says which answers it is missing (`missing`), so it is read as partial (a
 * lower bound), never as "no vulnerable members".
 */
export const PRIORITY_TABLE = {
  category: {
    unsafe_or_no_home: 30,
    disaster_damage: 25,
    roof: 10,
    walls: 10,
    floor: 10,
    adaptation: 10,
    toilet: 8,
    water: 8,
    electricity: 8,
    other: 0,
  } satisfies Record<CaseCategory, number>,
  vulnerable: {
    disabled: 12,
    elderly: 10,
    chronically_ill: 8,
    child_under_5: 8,
    pregnant: 8,
  } satisfies Record<VulnerableMember, number>,
  householdSize: [
    { atLeast: 6, points: 8, key: 'household_6_plus' },
    { atLeast: 4, points: 4, key: 'household_4_5' },
  ],
  tenure: { public_land: 10, permission_free: 8, rent: 5, not_sure: 5, own: 0 } satisfies Record<
    Tenure,
    number
  >,
  levels: [
    { level: 'urgent', atLeast: 50 },
    { level: 'high', atLeast: 30 },
    { level: 'medium', atLeast: 15 },
    { level: 'low', atLeast: 0 },
  ],
} as const;

export type PriorityInput = {
  category: CaseCategory;
  household: {
    size?: number;
    vulnerable: readonly VulnerableMember[];
    tenure?: Tenure;
    missing?: readonly HouseholdQuestion[];
  };
};

/** Pure: the score, its level and every factor that contributed, each with a reason to show. */
export function computePriority(input: PriorityInput): Priority {
  const factors: Priority['factors'] = [];
  const add = (key: string, points: number) => {
    if (points > 0) factors.push({ key, points, reasonKey: `priority.factor.${key}` });
  };

  add(`category_${input.category}`, PRIORITY_TABLE.category[input.category]);
  for (const member of new Set(input.household.vulnerable)) {
    add(`member_${member}`, PRIORITY_TABLE.vulnerable[member]);
  }
  const { size, tenure } = input.household;
  const sizeRow =
    size === undefined ? undefined : PRIORITY_TABLE.householdSize.find((row) => size >= row.atLeast);
  if (sizeRow) add(sizeRow.key, sizeRow.points);
  if (tenure) add(`tenure_${tenure}`, PRIORITY_TABLE.tenure[tenure]);

  const score = factors.reduce((sum, factor) => sum + factor.points, 0);
  const level = PRIORITY_TABLE.levels.find((row) => score >= row.atLeast)?.level ?? 'low';
  const unanswered = new Set<string>(input.household.missing ?? []);
  if (size === undefined) unanswered.add('size');
  if (tenure === undefined) unanswered.add('tenure');
  const missing = PRIORITY_QUESTIONS.filter((question) => unanswered.has(question));
  return { score, level, factors, ...(missing.length > 0 ? { missing } : {}) };
}
