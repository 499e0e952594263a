import type { Resources } from '../i18n';

const THAI_ZERO = 0x0e50;

/** Thai digits ๐-๙ become 0-9, so "๐๘๑" parses like "081". */
export function arabicDigits(text: string): string {
  return text.replace(/[๐-๙]/g, (digit) => String(digit.charCodeAt(0) - THAI_ZERO));
}

/** For matching words: case, spacing, trailing punctuation and Thai digits do not matter. */
export function normalise(text: string): string {
  return arabicDigits(text.normalize('NFC'))
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/[.!?,;:]+$/u, '')
    .trim();
}

/** The text of `ns:path.to.key` in one language, or undefined when it is missing. */
export function lookupKey(resources: Resources, language: string, key: string): string | undefined {
  const [ns, path] = key.split(':', 2);
  if (ns === undefined || path === undefined) return undefined;
  let node: unknown = resources[language]?.[ns];
  for (const part of path.split('.')) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === 'string' ? node : undefined;
}

/** A `|`-separated word list in every language, normalised. */
export function wordsOf(resources: Resources, key: string): string[] {
  const words = new Set<string>();
  for (const language of Object.keys(resources)) {
    for (const word of (lookupKey(resources, language, key) ?? '').split('|')) {
      const w = normalise(word);
      if (w !== '') words.add(w);
    }
  }
  return [...words];
}

/**
 * A Thai phone number in its national form ("0812345678"), or null: +66 or 66 replaces the trunk 0;
 * mobiles have 10 digits and start 06, 08 or 09; landlines have 9 digits (02 for Bangkok).
 */
export function parseThaiPhone(text: string): string | null {
  let digits = arabicDigits(text).replace(/[\s\-().]/g, '');
  if (digits.startsWith('+66')) digits = `0${digits.slice(3)}`;
  else if (/^66\d{8,9}$/.test(digits)) digits = `0${digits.slice(2)}`;
  if (/^0[689]\d{8}$/.test(digits)) return digits;
  if (/^0[2-57]\d{7}$/.test(digits)) return digits;
  return null;
}

const THAI_UNITS = ['', 'หนึ่ง', 'สอง', 'สาม', 'สี่', 'ห้า', 'หก', 'เจ็ด', 'แปด', 'เก้า'];
const ENGLISH_COUNTS = ['', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];
const HMONG_COUNTS = ['', 'ib', 'ob', 'peb', 'plaub', 'tsib', 'rau', 'xya', 'yim', 'cuaj', 'kaum'];
/** Counting words 1-20 in the three languages; Thai 11-19 are สิบ + unit, with เอ็ด for one. */
const COUNT_WORDS = new Map<string, number>([
  ...THAI_UNITS.slice(1).map((word, i): [string, number] => [word, i + 1]),
  ['สิบ', 10],
  ...THAI_UNITS.slice(1).map((word, i): [string, number] => [`สิบ${i === 0 ? 'เอ็ด' : word}`, 11 + i]),
  ['ยี่สิบ', 20],
  ...ENGLISH_COUNTS.slice(1).map((word, i): [string, number] => [word, i + 1]),
  ...HMONG_COUNTS.slice(1).map((word, i): [string, number] => [word, i + 1]),
]);
/** What people write around a count: "มี 4 คน", "4 people", "plaub leej", polite endings. */
const COUNT_FILLERS =
  /มี|ทั้งหมด|คน|ครับ|ค่ะ|คะ|จ้ะ|จ้า|people|persons?|of us|there are|we are|leej|tus|neeg|[.,!]/g;

/**
 * A count as people write it: "4", "๔", "4 คน", "บ้านมี 4 คน", "ห้าคน", "four people", "plaub leej".
 * Null when it holds no number or more than one (a phone number is not a household size).
 */
export function parseCount(text: string): number | null {
  const plain = arabicDigits(text.normalize('NFC')).toLowerCase();
  const numbers = plain.match(/\d+/g) ?? [];
  if (numbers.length === 1) return Number(numbers[0]);
  if (numbers.length > 1) return null;
  return COUNT_WORDS.get(plain.replace(COUNT_FILLERS, '').replace(/\s+/g, '')) ?? null;
}

/** "0812345678" -> "081-234-5678"; "021234567" -> "02-123-4567". */
export function formatThaiPhone(phone: string): string {
  if (phone.length === 10) return `${phone.slice(0, 3)}-${phone.slice(3, 6)}-${phone.slice(6)}`;
  if (phone.startsWith('02')) return `${phone.slice(0, 2)}-${phone.slice(2, 5)}-${phone.slice(5)}`;
  return `${phone.slice(0, 3)}-${phone.slice(3, 6)}-${phone.slice(6)}`;
}

/**
 * A typed date "d/m/yyyy" (or with - or .) as "yyyy-mm-dd". Years above 2400 are Buddhist Era
 * (Gregorian + 543), the way most Thai people write them.
 */
export function parseTypedDate(text: string): string | null {
  const match = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(arabicDigits(text).trim());
  if (!match) return null;
  const [day, month, rawYear] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const year = rawYear > 2400 ? rawYear - 543 : rawYear;
  return isoDate(year, month, day);
}

export function isoDate(year: number, month: number, day: number): string | null {
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day)
    return null;
  return date.toISOString().slice(0, 10);
}

/**
 * Dates as people in each language expect them: Thai in the Buddhist Era ("15 มกราคม 2568"). Intl has no
 * Hmong data, so Hmong uses th-TH numeric dates, in the Buddhist Era like the rest of Thailand ("15/1/2568").
 */
export function formatDate(iso: string, language: string): string {
  const date = new Date(iso.length === 10 ? `${iso}T00:00:00+07:00` : iso);
  const timeZone = 'Asia/Bangkok';
  if (language === 'th')
    return new Intl.DateTimeFormat('th-TH', { dateStyle: 'long', timeZone }).format(date);
  if (language === 'en')
    return new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone }).format(date);
  return new Intl.DateTimeFormat('th-TH', {
    day: 'numeric',
    month: 'numeric',
    year: 'numeric',
    timeZone,
  }).format(date);
}
