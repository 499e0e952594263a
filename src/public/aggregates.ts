import type { CaseCategory, CaseStatus } from '../cases/case-schema';
import { CATEGORIES } from '../cases/case-schema';
import { protectCells, type Cell, type Linked, type Relation } from './small-cells';
import type { AreaFigures, Figure, ProvinceFigures, PublicFigures } from './schemas';

/**
 * The public figures: pure functions over the anonymous part of case documents. Everything here is
 * counted per reported need (a case), and every cell is checked against the households it rests
 * on (see small-cells.ts). Figures stop at the end of the last whole month (Bangkok): a total that
 * grew day by day could be subtracted from yesterday's to find one family.
 */

/** The only fields of a case the public figures read; `household` is an opaque key that never leaves. */
export type PublicCaseRow = {
  household: string;
  category: CaseCategory;
  status: CaseStatus;
  provinceCode?: string;
  districtCode?: string;
  householdSize: number;
  createdAt: Date;
  completedAt?: Date;
  /** The home visit, Bangkok calendar date YYYY-MM-DD. */
  visitDate?: string;
};

export type PlaceName = (code: string) => { th: string; en: string } | undefined;

export type FigureOptions = {
  now: Date;
  threshold: number;
  placeName: PlaceName;
  /** How many whole months the series lists one by one; earlier ones are one `earlier` row. */
  months?: number;
};

export const DEFAULT_THRESHOLD = 5;
/** A new home rather than a repair. */
const BUILD_CATEGORIES: readonly CaseCategory[] = ['unsafe_or_no_home'];
const DAY_MS = 86_400_000;

const BANGKOK = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Bangkok',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});
/** Bangkok calendar date, YYYY-MM-DD. */
export const bangkokDay = (at: Date) => BANGKOK.format(at);
export const bangkokMonth = (at: Date) => bangkokDay(at).slice(0, 7);

function addMonths(month: string, delta: number): string {
  const [year, m] = month.split('-').map(Number) as [number, number];
  const index = year * 12 + (m - 1) + delta;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** The first instant of the current Bangkok month: nothing from then on is published yet. */
export function publicationCutoff(now: Date): Date {
  return new Date(`${bangkokMonth(now)}-01T00:00:00+07:00`);
}

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

type Kind = 'needs' | 'completed' | 'open' | 'families' | 'people';
const AREA_KINDS: Kind[] = ['needs', 'completed', 'open', 'families', 'people'];

type Tally = { cases: number; sizes: Map<string, number>; published: boolean; kind: Kind };

/** Collects cells as the rows are read; every cell a relation names exists, zeros included. */
class Cells {
  readonly tallies = new Map<string, Tally>();

  ensure(id: string, kind: Kind, published = kind !== 'open'): Tally {
    let tally = this.tallies.get(id);
    if (!tally) {
      tally = { cases: 0, sizes: new Map(), published, kind };
      this.tallies.set(id, tally);
    }
    return tally;
  }

  count(id: string, kind: Kind, row: PublicCaseRow): void {
    const tally = this.ensure(id, kind);
    tally.cases++;
    tally.sizes.set(row.household, Math.max(tally.sizes.get(row.household) ?? 0, row.householdSize));
  }

  value(id: string): number {
    const tally = this.tallies.get(id)!;
    if (tally.kind === 'families') return tally.sizes.size;
    if (tally.kind === 'people') return [...tally.sizes.values()].reduce((sum, size) => sum + size, 0);
    return tally.cases;
  }

  list(): Cell[] {
    return [...this.tallies].map(([id, tally]) => ({
      id,
      value: this.value(id),
      households: new Set(tally.sizes.keys()),
      published: tally.published,
    }));
  }
}

const NATION = 'nat';
const provinceArea = (code: string | undefined) => `p:${code ?? '?'}`;
const districtArea = (province: string | undefined, district: string | undefined) =>
  `d:${province ?? '?'}:${district ?? '?'}`;

export function publicFigures(rows: PublicCaseRow[], options: FigureOptions): PublicFigures {
  const { threshold } = options;
  const cutoff = publicationCutoff(options.now);
  const lastMonth = addMonths(bangkokMonth(options.now), -1);
  const asOf = bangkokDay(new Date(cutoff.getTime() - 1));
  const inScope = rows.filter((row) => row.status !== 'duplicate' && row.createdAt < cutoff);
  const isCompleted = (row: PublicCaseRow) =>
    row.status === 'completed' && row.completedAt !== undefined && row.completedAt < cutoff;

  const listedMonths = options.months ?? 24;
  const firstData = inScope.reduce<string | undefined>((first, row) => {
    const month = bangkokMonth(row.createdAt);
    return first === undefined || month < first ? month : first;
  }, undefined);
  const windowStart = addMonths(lastMonth, -(listedMonths - 1));
  const firstMonth = firstData && firstData > windowStart ? firstData : windowStart;
  const months: string[] = [];
  if (firstData) for (let m = firstMonth; m <= lastMonth; m = addMonths(m, 1)) months.push(m);
  const hasEarlier = firstData !== undefined && firstData < firstMonth;
  const monthKey = (at: Date) => {
    const month = bangkokMonth(at);
    return month < firstMonth ? 'earlier' : month;
  };
  const monthKeys = [...(hasEarlier ? ['earlier'] : []), ...months];

  const cells = new Cells();
  const provinces = new Map<string | undefined, Set<string | undefined>>();
  const touchArea = (area: string) => {
    for (const kind of AREA_KINDS) cells.ensure(`${area}|${kind}`, kind);
  };
  const touchSeries = (area: string) => {
    for (const category of CATEGORIES) cells.ensure(`${area}|cat:${category}|needs`, 'needs');
    for (const month of monthKeys) cells.ensure(`${area}|m:${month}|needs`, 'needs');
  };
  touchArea(NATION);
  touchSeries(NATION);
  for (const category of CATEGORIES) {
    cells.ensure(`${NATION}|cat:${category}|completed`, 'completed');
    cells.ensure(`${NATION}|cat:${category}|open`, 'open');
  }
  for (const month of monthKeys) cells.ensure(`${NATION}|mc:${month}|completed`, 'completed');
  cells.ensure(`${NATION}|homesRepaired`, 'completed');
  cells.ensure(`${NATION}|homesBuilt`, 'completed');

  for (const row of inScope) {
    const districts = provinces.get(row.provinceCode) ?? new Set();
    districts.add(row.districtCode);
    provinces.set(row.provinceCode, districts);
    const province = provinceArea(row.provinceCode);
    const district = districtArea(row.provinceCode, row.districtCode);
    touchArea(province);
    touchSeries(province);
    touchArea(district);
    const completed = isCompleted(row);
    for (const area of [NATION, province, district]) {
      cells.count(`${area}|needs`, 'needs', row);
      if (completed) {
        cells.count(`${area}|completed`, 'completed', row);
        cells.count(`${area}|families`, 'families', row);
        cells.count(`${area}|people`, 'people', row);
      } else cells.count(`${area}|open`, 'open', row);
    }
    for (const area of [NATION, province]) {
      cells.count(`${area}|cat:${row.category}|needs`, 'needs', row);
      cells.count(`${area}|m:${monthKey(row.createdAt)}|needs`, 'needs', row);
    }
    cells.count(
      `${NATION}|cat:${row.category}|${completed ? 'completed' : 'open'}`,
      completed ? 'completed' : 'open',
      row,
    );
    if (completed) {
      cells.count(`${NATION}|mc:${monthKey(row.completedAt!)}|completed`, 'completed', row);
      cells.count(
        `${NATION}|${BUILD_CATEGORIES.includes(row.category) ? 'homesBuilt' : 'homesRepaired'}`,
        'completed',
        row,
      );
    }
  }

  // How a reader can add the published cells up.
  const relations: Relation[] = [];
  const linked: Linked[] = [];
  const sum = (total: string, parts: string[]) => relations.push({ total, parts });
  const areaRelations = (area: string, children: string[]) => {
    sum(`${area}|needs`, [`${area}|completed`, `${area}|open`]);
    linked.push([`${area}|completed`, `${area}|families`, `${area}|people`]);
    if (children.length > 0) {
      for (const kind of AREA_KINDS)
        sum(
          `${area}|${kind}`,
          children.map((child) => `${child}|${kind}`),
        );
    }
  };
  const provinceCodes = [...provinces.keys()];
  areaRelations(NATION, provinceCodes.map(provinceArea));
  for (const [code, districts] of provinces) {
    const province = provinceArea(code);
    areaRelations(
      province,
      [...districts].map((d) => districtArea(code, d)),
    );
    for (const d of districts) areaRelations(districtArea(code, d), []);
  }
  for (const area of [NATION, ...provinceCodes.map(provinceArea)]) {
    sum(
      `${area}|needs`,
      CATEGORIES.map((c) => `${area}|cat:${c}|needs`),
    );
    sum(
      `${area}|needs`,
      monthKeys.map((m) => `${area}|m:${m}|needs`),
    );
  }
  for (const category of CATEGORIES) {
    const national = `${NATION}|cat:${category}`;
    sum(`${national}|needs`, [`${national}|completed`, `${national}|open`]);
    sum(
      `${national}|needs`,
      provinceCodes.map((code) => `${provinceArea(code)}|cat:${category}|needs`),
    );
  }
  sum(
    `${NATION}|completed`,
    CATEGORIES.map((c) => `${NATION}|cat:${c}|completed`),
  );
  sum(
    `${NATION}|open`,
    CATEGORIES.map((c) => `${NATION}|cat:${c}|open`),
  );
  for (const month of monthKeys) {
    sum(
      `${NATION}|m:${month}|needs`,
      provinceCodes.map((code) => `${provinceArea(code)}|m:${month}|needs`),
    );
  }
  sum(
    `${NATION}|completed`,
    monthKeys.map((m) => `${NATION}|mc:${m}|completed`),
  );
  sum(`${NATION}|completed`, [`${NATION}|homesRepaired`, `${NATION}|homesBuilt`]);

  const protection = protectCells(cells.list(), relations, threshold, linked);
  const figure = (id: string): Figure => {
    const reason = protection.hidden.get(id);
    return reason ? { value: null, hidden: reason } : { value: cells.value(id) };
  };
  const area = (id: string): AreaFigures => ({
    needs: figure(`${id}|needs`),
    completed: figure(`${id}|completed`),
    familiesHelped: figure(`${id}|families`),
    peopleReached: figure(`${id}|people`),
  });
  const remainders = (id: string, children: string[]) => {
    const remainder = (kind: Kind) => {
      if (!protection.isVisible(`${id}|${kind}`)) return null;
      const shown = children
        .filter((child) => protection.isVisible(`${child}|${kind}`))
        .reduce((total, child) => total + cells.value(`${child}|${kind}`), 0);
      return cells.value(`${id}|${kind}`) - shown;
    };
    return {
      needs: remainder('needs'),
      completed: remainder('completed'),
      familiesHelped: remainder('families'),
      peopleReached: remainder('people'),
    };
  };
  const medians = (selected: PublicCaseRow[]) => {
    const visits = selected.filter((row) => row.visitDate !== undefined && row.visitDate <= asOf);
    const completions = selected.filter(isCompleted);
    const enough = (list: PublicCaseRow[]) => new Set(list.map((row) => row.household)).size >= threshold;
    const days = (list: PublicCaseRow[], end: (row: PublicCaseRow) => number) =>
      enough(list)
        ? Math.round(median(list.map((row) => Math.max(0, (end(row) - row.createdAt.getTime()) / DAY_MS)))!)
        : null;
    return {
      daysToFirstVisit: days(visits, (row) =>
        Math.max(new Date(`${row.visitDate}T12:00:00+07:00`).getTime(), row.createdAt.getTime()),
      ),
      daysToCompletion: days(completions, (row) => row.completedAt!.getTime()),
    };
  };
  const place = (code: string | undefined) => {
    const name = code ? options.placeName(code) : undefined;
    return { code: code ?? null, nameTh: name?.th ?? null, nameEn: name?.en ?? null };
  };
  // Shown figures largest first; hidden ones after, by code: ordering them by size would rank them.
  const order = <T extends { code: string | null; needs: Figure }>(list: T[]) =>
    list.sort(
      (a, b) => (b.needs.value ?? -1) - (a.needs.value ?? -1) || (a.code ?? '~').localeCompare(b.code ?? '~'),
    );

  const provinceList: ProvinceFigures[] = order(
    provinceCodes.map((code) => {
      const id = provinceArea(code);
      const shown = protection.isVisible(`${id}|needs`);
      const districtIds = [...provinces.get(code)!].map((d) => [d, districtArea(code, d)] as const);
      return {
        ...place(code),
        ...area(id),
        medians: shown
          ? medians(inScope.filter((row) => row.provinceCode === code))
          : { daysToFirstVisit: null, daysToCompletion: null },
        // A hidden province lists nothing under it.
        districts: shown
          ? order(districtIds.map(([district, did]) => ({ ...place(district), ...area(did) })))
          : [],
        otherDistricts: shown
          ? remainders(
              id,
              districtIds.map(([, did]) => did),
            )
          : { needs: null, completed: null, familiesHelped: null, peopleReached: null },
        categories: shown
          ? CATEGORIES.map((category) => ({ category, needs: figure(`${id}|cat:${category}|needs`) }))
          : [],
        months: shown ? monthKeys.map((month) => ({ month, needs: figure(`${id}|m:${month}|needs`) })) : [],
      };
    }),
  );

  return {
    asOf,
    threshold,
    totals: {
      ...area(NATION),
      homesRepaired: figure(`${NATION}|homesRepaired`),
      homesBuilt: figure(`${NATION}|homesBuilt`),
      medians: protection.isVisible(`${NATION}|needs`)
        ? medians(inScope)
        : { daysToFirstVisit: null, daysToCompletion: null },
    },
    provinces: provinceList,
    otherProvinces: remainders(NATION, provinceCodes.map(provinceArea)),
    categories: CATEGORIES.map((category) => ({
      category,
      needs: figure(`${NATION}|cat:${category}|needs`),
      completed: figure(`${NATION}|cat:${category}|completed`),
    })),
    months: monthKeys.map((month) => ({
      month,
      needs: figure(`${NATION}|m:${month}|needs`),
      completed: figure(`${NATION}|mc:${month}|completed`),
    })),
  };
}
