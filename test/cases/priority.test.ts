import {
  CASE_STATUSES,
  CATEGORIES,
  PRIORITY_LEVELS,
  TENURES,
  VULNERABLE_MEMBERS,
} from '../../src/cases/case-schema';
import { computePriority, PRIORITY_TABLE } from '../../src/cases/priority';
import { loadResources } from '../../src/i18n';

describe('computePriority', () => {
  it('scores an unsafe home with an elderly and a disabled member on public land as urgent', () => {
    const priority = computePriority({
      category: 'unsafe_or_no_home',
      household: { size: 7, vulnerable: ['elderly', 'disabled'], tenure: 'public_land' },
    });
    expect(priority.factors).toEqual([
      {
        key: 'category_unsafe_or_no_home',
        points: 30,
        reasonKey: 'priority.factor.category_unsafe_or_no_home',
      },
      { key: 'member_elderly', points: 10, reasonKey: 'priority.factor.member_elderly' },
      { key: 'member_disabled', points: 12, reasonKey: 'priority.factor.member_disabled' },
      { key: 'household_6_plus', points: 8, reasonKey: 'priority.factor.household_6_plus' },
      { key: 'tenure_public_land', points: 10, reasonKey: 'priority.factor.tenure_public_land' },
    ]);
    expect(priority).toMatchObject({ score: 70, level: 'urgent' });
  });

  it('scores a small owner household with a leaking toilet as low, listing only what counted', () => {
    expect(
      computePriority({ category: 'toilet', household: { size: 2, vulnerable: [], tenure: 'own' } }),
    ).toEqual({
      score: 8,
      level: 'low',
      factors: [{ key: 'category_toilet', points: 8, reasonKey: 'priority.factor.category_toilet' }],
    });
  });

  it.each([
    [{ category: 'roof', size: 4, vulnerable: [], tenure: 'rent' }, 19, 'medium'],
    [{ category: 'disaster_damage', size: 3, vulnerable: ['child_under_5'], tenure: 'own' }, 33, 'high'],
    [{ category: 'other', size: 1, vulnerable: [], tenure: 'not_sure' }, 5, 'low'],
  ] as const)('%j scores %i (%s)', (c, score, level) => {
    const priority = computePriority({
      category: c.category,
      household: { size: c.size, vulnerable: [...c.vulnerable], tenure: c.tenure },
    });
    expect(priority).toMatchObject({ score, level });
  });

  it('counts a vulnerable group once however often it is listed', () => {
    const once = computePriority({
      category: 'walls',
      household: { size: 1, vulnerable: ['pregnant'], tenure: 'own' },
    });
    const twice = computePriority({
      category: 'walls',
      household: { size: 1, vulnerable: ['pregnant', 'pregnant'], tenure: 'own' },
    });
    expect(twice.score).toBe(once.score);
  });

  it('documents the maximum score the comment states', () => {
    const max =
      Math.max(...Object.values(PRIORITY_TABLE.category)) +
      Object.values(PRIORITY_TABLE.vulnerable).reduce((a, b) => a + b, 0) +
      PRIORITY_TABLE.householdSize[0].points +
      Math.max(...Object.values(PRIORITY_TABLE.tenure));
    expect(max).toBe(94);
  });
});

describe('cases locale labels', () => {
  const resources = loadResources();
  const lookup = (language: string, key: string) =>
    key
      .split('.')
      .reduce<unknown>(
        (node, part) => (node as Record<string, unknown> | undefined)?.[part],
        resources[language]?.cases,
      );

  it.each(['th', 'en', 'hmn'])(
    '%s has a label for every category, status, tenure, group and priority reason',
    (language) => {
      const keys = [
        ...CATEGORIES.map((c) => `category.${c}`),
        ...CASE_STATUSES.map((s) => `status.${s}`),
        ...TENURES.map((t) => `tenure.${t}`),
        ...VULNERABLE_MEMBERS.map((v) => `vulnerable.${v}`),
        ...PRIORITY_LEVELS.map((l) => `priority.level.${l}`),
      ];
      for (const category of CATEGORIES) {
        for (const tenure of TENURES) {
          const priority = computePriority({
            category,
            household: { size: 6, vulnerable: [...VULNERABLE_MEMBERS], tenure },
          });
          keys.push(...priority.factors.map((f) => f.reasonKey));
        }
      }
      const missing = keys.filter((key) => typeof lookup(language, key) !== 'string');
      expect(missing).toEqual([]);
    },
  );

  it('marks the Hmong labels as awaiting native review', () => {
    expect(resources.hmn?.cases?._review).toBe('awaiting review by a native Hmong speaker');
  });
});
