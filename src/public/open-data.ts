import { csvCell } from '../case-api/exports';
import { mapPoints, type CentreLookup } from './map-points';
import type { Figure, PublicFigures } from './schemas';

/**
 * Open data: the published figures as one long table, every row at one level (the country, a
 * province, a district, a kind of need, a month...), with HXL hashtags and DOPA P-codes so other
 * humanitarian datasets join on them. It holds exactly what the page shows: a hidden figure is an
 * empty cell with the reason in the note column, and the "other ... together" rows are what the
 * page shows as such. Coordinates are those of the page's map: a province's centre, a shown district's
 * centre (its seat town), and the province's centre for its "other districts" row; never a home.
 */

export const OPEN_DATA_LEVELS = [
  'country',
  'province',
  'district',
  'other_districts',
  'other_provinces',
  'category',
  'month',
  'province_category',
  'province_month',
] as const;
type Level = (typeof OPEN_DATA_LEVELS)[number];

type Value = string | number | null;
export type OpenDataRow = Record<(typeof COLUMNS)[number]['key'], Value>;

export const COLUMNS = [
  { key: 'level', hxl: '#meta+level' },
  { key: 'as_of', hxl: '#date+updated' },
  { key: 'province_code', hxl: '#adm1+code' },
  { key: 'province_th', hxl: '#adm1+name+i_th' },
  { key: 'province_en', hxl: '#adm1+name+i_en' },
  { key: 'district_code', hxl: '#adm2+code' },
  { key: 'district_th', hxl: '#adm2+name+i_th' },
  { key: 'district_en', hxl: '#adm2+name+i_en' },
  { key: 'lat', hxl: '#geo+lat' },
  { key: 'lon', hxl: '#geo+lon' },
  { key: 'category', hxl: '#sector+category' },
  { key: 'month', hxl: '#date+month' },
  { key: 'needs_reported', hxl: '#affected+needs+num' },
  { key: 'needs_completed', hxl: '#reached+needs+num' },
  { key: 'families_helped', hxl: '#reached+hh+num' },
  { key: 'people_reached', hxl: '#reached+ind+num' },
  { key: 'hidden', hxl: '#meta+suppressed' },
] as const;

type Measures = Partial<
  Record<'needs' | 'completed' | 'familiesHelped' | 'peopleReached', Figure | number | null>
>;
const MEASURE_COLUMNS = {
  needs: 'needs_reported',
  completed: 'needs_completed',
  familiesHelped: 'families_helped',
  peopleReached: 'people_reached',
} as const;

function row(level: Level, asOf: string, where: Partial<OpenDataRow>, measures: Measures): OpenDataRow {
  const out = Object.fromEntries(COLUMNS.map((c) => [c.key, null])) as OpenDataRow;
  Object.assign(out, where, { level, as_of: asOf });
  const hidden = new Set<string>();
  for (const [measure, column] of Object.entries(MEASURE_COLUMNS)) {
    const value = measures[measure as keyof Measures];
    if (value === undefined || value === null) continue;
    if (typeof value === 'number') out[column] = value;
    else if (value.value !== null) out[column] = value.value;
    else hidden.add(`${column}:${value.hidden}`);
  }
  out.hidden = hidden.size > 0 ? [...hidden].join(' ') : null;
  return out;
}

const at = (point: { lat: number; lng: number } | undefined) =>
  point ? { lat: point.lat, lon: point.lng } : {};

export function openDataRows(figures: PublicFigures, centres?: CentreLookup): OpenDataRow[] {
  const { asOf } = figures;
  const drawn = new Map(
    (centres ? mapPoints(figures, centres) : [])
      .filter((point) => point.kind === 'district')
      .map((point) => [point.districtCode, point]),
  );
  const rows: OpenDataRow[] = [row('country', asOf, {}, figures.totals)];
  for (const p of figures.provinces) {
    const province = { province_code: p.code, province_th: p.nameTh, province_en: p.nameEn };
    const centre = at(p.code ? centres?.province(p.code) : undefined);
    rows.push(row('province', asOf, { ...province, ...centre }, p));
    for (const d of p.districts) {
      const where = { ...province, district_code: d.code, district_th: d.nameTh, district_en: d.nameEn };
      rows.push(row('district', asOf, { ...where, ...at(d.code ? drawn.get(d.code) : undefined) }, d));
    }
    if (p.otherDistricts.needs)
      rows.push(row('other_districts', asOf, { ...province, ...centre }, p.otherDistricts));
    for (const c of p.categories)
      rows.push(row('province_category', asOf, { ...province, category: c.category }, c));
    for (const m of p.months) rows.push(row('province_month', asOf, { ...province, month: m.month }, m));
  }
  if (figures.otherProvinces.needs) rows.push(row('other_provinces', asOf, {}, figures.otherProvinces));
  for (const c of figures.categories) rows.push(row('category', asOf, { category: c.category }, c));
  for (const m of figures.months) rows.push(row('month', asOf, { month: m.month }, m));
  return rows;
}

/** UTF-8 with BOM (Excel then reads Thai), the header in the reader's language, the HXL row, the rows. */
export function openDataCsv(
  figures: PublicFigures,
  header: (key: string) => string,
  centres?: CentreLookup,
): string {
  const lines = [
    COLUMNS.map((c) => csvCell(header(c.key))).join(','),
    COLUMNS.map((c) => c.hxl).join(','),
    ...openDataRows(figures, centres).map((r) => COLUMNS.map((c) => csvCell(r[c.key])).join(',')),
  ];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** HXL's "JSON objects" form: one object per row, keyed by hashtag. */
export function openDataJson(figures: PublicFigures, centres?: CentreLookup): Record<string, Value>[] {
  return openDataRows(figures, centres).map((r) => Object.fromEntries(COLUMNS.map((c) => [c.hxl, r[c.key]])));
}
