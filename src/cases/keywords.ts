const THAI_DIGITS = /[\u0E50-\u0E59]/g;

/** Thai digits (๐-๙) as ASCII, so numbers and phones typed either way compare equal. */
export const asciiDigits = (text: string) =>
  text.replace(THAI_DIGITS, (digit) => String(digit.charCodeAt(0) - 0x0e50));

/**
 * The searchable form of a term: what the staff API must apply to `q` before an anchored,
 * escaped prefix regex on `keywords` (the subset has no text index).
 */
export const normaliseKeyword = (term: string) =>
  asciiDigits(term.normalize('NFC')).toLowerCase().replace(/\s+/g, ' ').trim();

const MAX_DESCRIPTION_WORDS = 40;

export type KeywordSource = {
  reference: string;
  category: string;
  household: { headName?: string; phone?: string };
  description: { text?: string };
  location: {
    typedAddress?: Record<string, string | undefined>;
    shared?: Record<string, string | undefined>;
    resolved: Record<string, unknown>;
  };
};

/** Whole values and their words, so both "นางคำ แซ่ย่าง" and "แซ่ย่าง" find the case. */
export function caseKeywords(source: KeywordSource, phoneKey?: string): string[] {
  const values: string[] = [source.reference, source.category];
  const { resolved } = source.location;
  for (const field of ['province', 'provinceEn', 'district', 'districtEn', 'subdistrict', 'subdistrictEn']) {
    const value = resolved[field];
    if (typeof value === 'string') values.push(value);
  }
  for (const words of [source.location.typedAddress, source.location.shared])
    values.push(...Object.values(words ?? {}).filter((v): v is string => Boolean(v)));
  if (source.household.headName) values.push(source.household.headName);
  if (phoneKey) values.push(phoneKey);

  const words = new Set<string>();
  for (const value of values) {
    const normalised = normaliseKeyword(value);
    if (!normalised) continue;
    words.add(normalised);
    for (const word of normalised.split(' ')) if (word.length >= 2) words.add(word);
  }
  const description = normaliseKeyword(source.description.text ?? '')
    .split(/[\s,.;:!?()"']+/)
    .filter((word) => word.length >= 3)
    .slice(0, MAX_DESCRIPTION_WORDS);
  for (const word of description) words.add(word);
  return [...words];
}
