import { formatThaiPhone } from '../conversation/text';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { TFunction } from 'i18next';
import type { Case } from '../cases/case-schema';
import type { ExportLanguage } from './schemas';

/** What the exports read: no timeline, keywords or factors, so each row stays small. */
export const EXPORT_PROJECTION = {
  _id: 0,
  timeline: 0,
  keywords: 0,
  'priority.factors': 0,
  possibleDuplicateOf: 0,
  extraReporters: 0,
} as const;

export type ExportRow = Omit<Case, 'timeline' | 'keywords' | 'possibleDuplicateOf'>;

const BANGKOK_DATE = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Bangkok',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The Bangkok calendar date, ISO (YYYY-MM-DD). */
export const isoDay = (at: Date) => BANGKOK_DATE.format(at);

/** The same day in the Buddhist Era as Thai forms write it: DD/MM/BBBB. */
export function buddhistDay(day: string | Date): string {
  const [year, month, date] = (typeof day === 'string' ? day : isoDay(day)).split('-');
  return `${date}/${month}/${Number(year) + 543}`;
}

/** Columns holding a fixed code, written as its label in the cases vocabulary (locales/NS/cases.json). */
type Vocabulary =
  'status' | 'category' | 'priority.level' | 'priorityBasis' | 'reportedBy' | 'householdQuestion';

type Column = {
  key: string;
  hxl: string;
  personal: boolean;
  value: (row: ExportRow) => string | number | null;
  vocabulary?: Vocabulary;
  /** The cell holds several codes, space-separated: each is labelled, joined by commas. */
  list?: true;
  /** Once the person's data is erased the cell says so in the export's language, not the stored placeholder. */
  erasable?: true;
};

export const EXPORT_COLUMNS: Column[] = [
  { key: 'reference', hxl: '#meta+id', personal: false, value: (r) => r.reference },
  { key: 'status', hxl: '#status', personal: false, value: (r) => r.status, vocabulary: 'status' },
  {
    key: 'category',
    hxl: '#sector+category',
    personal: false,
    value: (r) => r.category,
    vocabulary: 'category',
  },
  {
    key: 'priority_level',
    hxl: '#severity',
    personal: false,
    value: (r) => r.priority.level,
    vocabulary: 'priority.level',
  },
  { key: 'priority_score', hxl: '#severity+num', personal: false, value: (r) => r.priority.score },
  // A short report's score before its household questions are answered counts what is known only.
  {
    key: 'priority_basis',
    hxl: '#severity+basis',
    personal: false,
    value: (r) => ((r.priority.missing?.length ?? 0) > 0 ? 'partial' : 'complete'),
    vocabulary: 'priorityBasis',
  },
  {
    key: 'missing_answers',
    hxl: '#meta+missing',
    personal: false,
    value: (r) => (r.household.missing?.length ? r.household.missing.join(' ') : null),
    vocabulary: 'householdQuestion',
    list: true,
  },
  {
    key: 'province_code',
    hxl: '#adm1+code',
    personal: false,
    value: (r) => r.location.resolved.provinceCode ?? null,
  },
  { key: 'province', hxl: '#adm1+name', personal: false, value: (r) => r.location.resolved.province ?? null },
  { key: 'district', hxl: '#adm2+name', personal: false, value: (r) => r.location.resolved.district ?? null },
  {
    key: 'subdistrict',
    hxl: '#adm3+name',
    personal: false,
    value: (r) => r.location.resolved.subdistrict ?? null,
  },
  {
    key: 'household_size',
    hxl: '#affected+ind+num',
    personal: false,
    value: (r) => r.household.size ?? null,
  },
  {
    key: 'reported_by',
    hxl: '#meta+source',
    personal: false,
    value: (r) => r.reportedBy,
    vocabulary: 'reportedBy',
  },
  { key: 'created_at', hxl: '#date+reported', personal: false, value: (r) => r.createdAt.toISOString() },
  {
    key: 'created_date_be',
    hxl: '#date+reported+be',
    personal: false,
    value: (r) => buddhistDay(r.createdAt),
  },
  { key: 'updated_at', hxl: '#date+updated', personal: false, value: (r) => r.updatedAt.toISOString() },
  { key: 'visit_date', hxl: '#date+visit', personal: false, value: (r) => r.visitDate ?? null },
  {
    key: 'visit_date_be',
    hxl: '#date+visit+be',
    personal: false,
    value: (r) => (r.visitDate ? buddhistDay(r.visitDate) : null),
  },
  {
    key: 'completed_at',
    hxl: '#date+completed',
    personal: false,
    value: (r) => r.completedAt?.toISOString() ?? null,
  },
  { key: 'assignee_id', hxl: '#contact+id+staff', personal: false, value: (r) => r.assigneeId ?? null },
  { key: 'head_name', hxl: '#contact+name', personal: true, value: (r) => r.household.headName ?? null },
  // Grouped as staff read it; as bare digits a spreadsheet takes it for a number and drops the 0.
  {
    key: 'phone',
    hxl: '#contact+phone',
    personal: true,
    value: (r) => (r.household.phone ? formatThaiPhone(r.household.phone) : null),
  },
  {
    key: 'village',
    hxl: '#loc+name',
    personal: true,
    value: (r) => r.location.typedAddress?.village ?? null,
  },
  { key: 'lat', hxl: '#geo+lat', personal: true, value: (r) => r.location.lat ?? null },
  { key: 'lng', hxl: '#geo+lon', personal: true, value: (r) => r.location.lng ?? null },
  {
    key: 'description',
    hxl: '#description',
    personal: true,
    value: (r) => r.description.text ?? null,
    erasable: true,
  },
];

export const exportColumns = (personal: boolean) => EXPORT_COLUMNS.filter((c) => personal || !c.personal);

/**
 * The words of an export, for people: a column key's header, and a code's label in the same
 * language. The HXL row under the header keeps what machines read.
 */
export type ExportLabels = {
  (key: string): string;
  code(vocabulary: Vocabulary, code: string): string;
  erased(): string;
};

/** In the staff member's language: headers from the console's strings, codes from the bot's vocabulary. */
export function headerLabels(t: TFunction, lng: ExportLanguage): ExportLabels {
  const labelled = new Map<string, string>();
  return Object.assign((key: string): string => t(`exports.columns.${key}`, { lng, ns: 'console' }), {
    code(vocabulary: Vocabulary, code: string): string {
      const key = `${vocabulary}.${code}`;
      let text = labelled.get(key);
      if (text === undefined) {
        // An unknown code (data older than the vocabulary) stays as it is rather than a key path.
        text = t(key, { lng, ns: 'cases', defaultValue: code });
        labelled.set(key, text);
      }
      return text;
    },
    erased: () => t('case.erasedText', { lng, ns: 'console' }),
  });
}

export type TableOptions = {
  personal: boolean;
  hxl: boolean;
  header: ExportLabels;
};

/**
 * A row's cells. Coded columns are words in the export's language for people; with the HXL row
 * the file is for data tools, which join on stable codes, so the codes stay.
 */
const cellsOf = (columns: Column[], options: TableOptions) => (row: ExportRow) =>
  columns.map((c) => {
    if (c.erasable && row.erasedAt && !options.hxl) return options.header.erased();
    const value = c.value(row);
    if (!c.vocabulary || typeof value !== 'string' || options.hxl) return value;
    const vocabulary = c.vocabulary;
    return c.list
      ? value
          .split(' ')
          .map((code) => options.header.code(vocabulary, code))
          .join(', ')
      : options.header.code(vocabulary, value);
  });

/**
 * Text that a spreadsheet would run as a formula (starting with =, +, -, @, a tab or a carriage
 * return, whatever follows: `-2+3+cmd|' /C calc'!A0` is one) gets a leading apostrophe. Numbers are
 * numbers, never text, so they stay as they are.
 */
export function neutralised<T extends string | number | null>(value: T): T {
  return typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? (`'${value}` as T) : value;
}

/** A CSV cell: neutralised, and quoted when needed. */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const safe = neutralised(value);
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const FLUSH_BYTES = 64 * 1024;

/** Writes and waits while the client is slower than the database, so memory stays flat. */
async function write(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

/** UTF-8 with BOM (Excel then reads Thai), header, optional HXL row, one line per case. */
export async function writeCsv(
  out: Writable,
  rows: AsyncIterable<ExportRow>,
  options: TableOptions,
): Promise<number> {
  const columns = exportColumns(options.personal);
  const cells = cellsOf(columns, options);
  let buffer = `\uFEFF${columns.map((c) => csvCell(options.header(c.key))).join(',')}\r\n`;
  if (options.hxl) buffer += `${columns.map((c) => c.hxl).join(',')}\r\n`;
  let count = 0;
  for await (const row of rows) {
    buffer += `${cells(row).map(csvCell).join(',')}\r\n`;
    count++;
    if (buffer.length >= FLUSH_BYTES) {
      await write(out, buffer);
      buffer = '';
    }
  }
  await write(out, buffer);
  return count;
}

/** A streamed workbook: rows are committed (written out) one by one, never held. */
export async function writeXlsx(
  out: Writable,
  rows: AsyncIterable<ExportRow>,
  options: TableOptions,
): Promise<number> {
  const columns = exportColumns(options.personal);
  const cells = cellsOf(columns, options);
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: false,
    useSharedStrings: false,
  });
  const sheet = workbook.addWorksheet('cases');
  sheet.addRow(columns.map((c) => options.header(c.key))).commit();
  if (options.hxl) sheet.addRow(columns.map((c) => c.hxl)).commit();
  let count = 0;
  for await (const row of rows) {
    sheet.addRow(cells(row).map(neutralised)).commit();
    count++;
  }
  sheet.commit();
  await workbook.commit();
  return count;
}

/** Masked readers get points rounded to 0.01° (about a kilometre): enough for a map, not a house. */
const roughly = (value: number) => Math.round(value * 100) / 100;

export async function writeGeoJson(
  out: Writable,
  rows: AsyncIterable<ExportRow>,
  options: { personal: boolean },
): Promise<number> {
  let buffer = '{"type":"FeatureCollection","features":[';
  let count = 0;
  for await (const row of rows) {
    const { lat, lng } = row.location;
    if (lat === undefined || lng === undefined) continue;
    const feature = {
      type: 'Feature',
      geometry: {
        type: 'Point',
        coordinates: options.personal ? [lng, lat] : [roughly(lng), roughly(lat)],
      },
      properties: {
        reference: row.reference,
        status: row.status,
        category: row.category,
        priority: row.priority.level,
        provinceCode: row.location.resolved.provinceCode ?? null,
        province: row.location.resolved.province ?? null,
        district: row.location.resolved.district ?? null,
        createdAt: row.createdAt.toISOString(),
        ...(options.personal ? { headName: row.household.headName ?? null } : {}),
        exact: options.personal,
      },
    };
    buffer += `${count === 0 ? '' : ','}${JSON.stringify(feature)}`;
    count++;
    if (buffer.length >= FLUSH_BYTES) {
      await write(out, buffer);
      buffer = '';
    }
  }
  await write(out, `${buffer}]}`);
  return count;
}
