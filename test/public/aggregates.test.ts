import { CATEGORIES, type CaseCategory, type CaseStatus } from '../../src/cases/case-schema';
import { publicFigures, publicationCutoff, type PublicCaseRow } from '../../src/public/aggregates';
import type { Figure, PublicFigures } from '../../src/public/schemas';

const NOW = new Date('2025-06-15T10:00:00+07:00');
const NAMES: Record<string, { th: string; en: string }> = {
  '67': { th: 'เพชรบูรณ์', en: 'Phetchabun' },
  '6711': { th: 'เขาค้อ', en: 'Khao Kho' },
  '6701': { th: 'เมืองเพชรบูรณ์', en: 'Mueang Phetchabun' },
  '6702': { th: 'ชนแดน', en: 'Chon Daen' },
  '50': { th: 'เชียงใหม่', en: 'Chiang Mai' },
  '5001': { th: 'เมืองเชียงใหม่', en: 'Mueang Chiang Mai' },
  '63': { th: 'ตาก', en: 'Tak' },
  '6301': { th: 'เมืองตาก', en: 'Mueang Tak' },
};
const placeName = (code: string) => NAMES[code];

let serial = 0;
function row(overrides: Partial<PublicCaseRow> = {}): PublicCaseRow {
  serial++;
  return {
    household: `h${serial}`,
    category: 'roof',
    status: 'new',
    provinceCode: '67',
    districtCode: '6711',
    householdSize: 4,
    createdAt: new Date('2025-03-10T09:00:00+07:00'),
    ...overrides,
  };
}
const many = (n: number, overrides: Partial<PublicCaseRow> = {}) =>
  Array.from({ length: n }, () => row(overrides));
const done = (completedAt: string, overrides: Partial<PublicCaseRow> = {}): Partial<PublicCaseRow> => ({
  status: 'completed' as CaseStatus,
  completedAt: new Date(completedAt),
  ...overrides,
});
const figures = (rows: PublicCaseRow[], threshold = 5) =>
  publicFigures(rows, { now: NOW, threshold, placeName });
const value = (f: Figure | undefined) => f?.value;

describe('public figures', () => {
  it('counts needs, completions, families and people by province, district, category and month', () => {
    const rows = [
      ...many(6, { createdAt: new Date('2025-03-02T10:00:00+07:00') }),
      ...many(6, { createdAt: new Date('2025-04-02T10:00:00+07:00'), category: 'toilet' }),
      ...many(5, done('2025-05-20T10:00:00+07:00', { householdSize: 3, districtCode: '6701' })),
      ...many(5, done('2025-05-21T10:00:00+07:00', { category: 'unsafe_or_no_home', districtCode: '6701' })),
      ...many(7, { provinceCode: '50', districtCode: '5001', category: 'water' }),
    ];
    const f = figures(rows);
    expect(f.asOf).toBe('2025-05-31');
    expect(f.threshold).toBe(5);
    expect(value(f.totals.needs)).toBe(29);
    expect(value(f.totals.completed)).toBe(10);
    expect(value(f.totals.familiesHelped)).toBe(10);
    expect(value(f.totals.peopleReached)).toBe(5 * 3 + 5 * 4);
    expect(value(f.totals.homesRepaired)).toBe(5);
    expect(value(f.totals.homesBuilt)).toBe(5);

    const phetchabun = f.provinces.find((p) => p.code === '67')!;
    expect(phetchabun).toMatchObject({ nameTh: 'เพชรบูรณ์', nameEn: 'Phetchabun' });
    expect(value(phetchabun.needs)).toBe(22);
    expect(phetchabun.districts.map((d) => [d.nameEn, d.needs.value])).toEqual([
      ['Khao Kho', 12],
      ['Mueang Phetchabun', 10],
    ]);
    expect(phetchabun.otherDistricts.needs).toBe(0);
    expect(f.provinces.map((p) => p.code)).toEqual(['67', '50']);
    expect(f.categories.find((c) => c.category === 'toilet')!.needs).toEqual({ value: 6 });
    expect(f.categories.find((c) => c.category === 'electricity')!.needs).toEqual({ value: 0 });
    const month = (m: string) => f.months.find((entry) => entry.month === m);
    expect(value(month('2025-03')?.needs)).toBe(6 + 10 + 7);
    expect(value(month('2025-04')?.needs)).toBe(6);
    expect(value(month('2025-05')?.completed)).toBe(10);
    expect(f.months.at(-1)!.month).toBe('2025-05');
  });

  it('stops at the end of the last whole month and leaves duplicates out', () => {
    const rows = [
      ...many(5),
      ...many(3, { createdAt: new Date('2025-06-01T00:30:00+07:00') }),
      ...many(4, { status: 'duplicate' }),
      // Completed this month: not yet a completion in the published figures.
      ...many(5, done('2025-06-02T10:00:00+07:00')),
    ];
    const f = figures(rows);
    expect(publicationCutoff(NOW).toISOString()).toBe('2025-05-31T17:00:00.000Z');
    expect(value(f.totals.needs)).toBe(10);
    expect(f.totals.completed).toEqual({ value: 0 });
    expect(f.months.some((m) => m.month === '2025-06')).toBe(false);
  });

  it('shows a district of fewer than 5 as small and hides one more so it cannot be subtracted', () => {
    const rows = [
      ...many(20, { districtCode: '6711' }),
      ...many(8, { districtCode: '6701' }),
      ...many(3, { districtCode: '6702' }),
    ];
    const f = figures(rows);
    const phetchabun = f.provinces.find((p) => p.code === '67')!;
    expect(phetchabun.needs).toEqual({ value: 31 });
    const byCode = Object.fromEntries(phetchabun.districts.map((d) => [d.code, d.needs]));
    expect(byCode['6711']).toEqual({ value: 20 });
    expect(byCode['6702']).toEqual({ value: null, hidden: 'small' });
    expect(byCode['6701']).toEqual({ value: null, hidden: 'protects_small' });
    expect(phetchabun.otherDistricts.needs).toBe(11);
    // Hidden districts come after the shown ones, in code order, never by size.
    expect(phetchabun.districts.map((d) => d.code)).toEqual(['6711', '6701', '6702']);
  });

  it('shows a whole small province as fewer than 5 with nothing listed under it', () => {
    const rows = [...many(30), ...many(2, { provinceCode: '63', districtCode: '6301' })];
    const f = figures(rows);
    const tak = f.provinces.find((p) => p.code === '63')!;
    expect(tak.needs).toEqual({ value: null, hidden: 'small' });
    expect(tak.districts).toEqual([]);
    expect(tak.categories).toEqual([]);
    expect(tak.months).toEqual([]);
    // One small province beside one shown one: the shown one is hidden too, or Tak = total - Phetchabun.
    expect(f.provinces.find((p) => p.code === '67')!.needs).toEqual({
      value: null,
      hidden: 'protects_small',
    });
    expect(f.otherProvinces.needs).toBe(32);
  });

  it('hides completions when the families still waiting are fewer than 5', () => {
    const rows = [...many(12, done('2025-04-10T10:00:00+07:00')), ...many(2)];
    const f = figures(rows);
    expect(f.totals.needs).toEqual({ value: 14 });
    expect(f.totals.completed.value).toBeNull();
    expect(f.totals.familiesHelped.value).toBeNull();
    expect(f.totals.peopleReached.value).toBeNull();
  });

  it('counts a household once in families helped and people reached', () => {
    const rows = [
      ...many(6, done('2025-04-10T10:00:00+07:00', { householdSize: 2 })),
      ...Array.from({ length: 2 }, () =>
        row({ ...done('2025-04-12T10:00:00+07:00'), household: 'same', householdSize: 6 }),
      ),
      ...many(6),
    ];
    const f = figures(rows);
    expect(f.totals.completed).toEqual({ value: 8 });
    expect(f.totals.familiesHelped).toEqual({ value: 7 });
    expect(f.totals.peopleReached).toEqual({ value: 6 * 2 + 6 });
  });

  it('gives medians in whole days only over at least 5 households', () => {
    const created = '2025-03-01T09:00:00+07:00';
    const rows = [
      ...[2, 4, 6, 8, 10].map((days) =>
        row({
          createdAt: new Date(created),
          visitDate: `2025-03-${String(1 + days).padStart(2, '0')}`,
          ...done(new Date(new Date(created).getTime() + days * 3 * 86_400_000).toISOString()),
        }),
      ),
      ...many(5, { createdAt: new Date(created) }),
    ];
    const f = figures(rows);
    expect(f.totals.medians).toEqual({ daysToFirstVisit: 6, daysToCompletion: 18 });
    const fewer = figures(rows.slice(1));
    expect(fewer.totals.medians).toEqual({ daysToFirstVisit: null, daysToCompletion: null });
  });

  it('follows a configured threshold', () => {
    const rows = [
      ...many(20, { districtCode: '6711' }),
      ...many(7, { districtCode: '6701' }),
      ...many(9, { districtCode: '6702' }),
    ];
    const at5 = figures(rows, 5).provinces[0]!.districts.map((d) => d.needs.value);
    const at10 = figures(rows, 10).provinces[0]!.districts.map((d) => d.needs.value);
    expect(at5).toEqual([20, 9, 7]);
    expect(at10).toEqual([20, null, null]);
  });

  it('never lets a published total minus its shown parts single out fewer than 5 (random data)', () => {
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
    const places = [
      ['67', '6711'],
      ['67', '6701'],
      ['67', '6702'],
      ['50', '5001'],
      ['63', '6301'],
    ] as const;
    for (let run = 0; run < 40; run++) {
      const rows = Array.from({ length: 5 + Math.floor(random() * 80) }, () => {
        const [provinceCode, districtCode] = pick(places);
        const month = pick(['01', '02', '03', '04', '05']);
        const completed = random() < 0.4;
        return row({
          provinceCode,
          districtCode,
          category: pick(CATEGORIES) as CaseCategory,
          createdAt: new Date(`2025-${month}-05T10:00:00+07:00`),
          ...(completed ? done(`2025-${month}-25T10:00:00+07:00`) : {}),
        });
      });
      // One case per household here, so every remainder in cases is a remainder in households.
      assertNoSmallRemainder(figures(rows));
    }
  });
});

function assertNoSmallRemainder(f: PublicFigures) {
  const check = (total: Figure, parts: Figure[], what: string) => {
    if (total.value === null) return;
    const shown = parts.reduce((sum, part) => sum + (part.value ?? 0), 0);
    const remainder = total.value - shown;
    if (remainder !== 0 && remainder < f.threshold) throw new Error(`${what}: remainder ${remainder}`);
  };
  for (const kind of ['needs', 'completed'] as const) {
    check(
      f.totals[kind],
      f.provinces.map((p) => p[kind]),
      `provinces ${kind}`,
    );
    for (const p of f.provinces)
      check(
        p[kind],
        p.districts.map((d) => d[kind]),
        `districts of ${p.code} ${kind}`,
      );
  }
  check(
    f.totals.needs,
    f.categories.map((c) => c.needs),
    'categories',
  );
  check(
    f.totals.needs,
    f.months.map((m) => m.needs),
    'months',
  );
  check(
    f.totals.completed,
    f.months.map((m) => m.completed),
    'completed months',
  );
  check(f.totals.completed, [f.totals.homesRepaired, f.totals.homesBuilt], 'homes');
  for (const c of f.categories) check(c.needs, [c.completed], `open ${c.category}`);
  check(f.totals.needs, [f.totals.completed], 'open');
  for (const p of f.provinces) {
    check(p.needs, [p.completed], `open ${p.code}`);
    check(
      p.needs,
      p.categories.map((c) => c.needs),
      `categories of ${p.code}`,
    );
    check(
      p.needs,
      p.months.map((m) => m.needs),
      `months of ${p.code}`,
    );
    for (const d of p.districts) check(d.needs, [d.completed], `open ${d.code}`);
  }
  for (const c of f.categories) {
    check(
      c.needs,
      f.provinces.map((p) => p.categories.find((x) => x.category === c.category)?.needs ?? { value: 0 }),
      `column ${c.category}`,
    );
  }
}
