/**
 * Place-name matching that tolerates how people type: with or without the administrative prefix
 * (จังหวัด/จ., อำเภอ/อ./เขต, ตำบล/ต./แขวง, "Province", "Amphoe", "Tambon"...), Thai or English,
 * and the usual romanisation variants (Phetchabun / Petchaboon, Chiang Mai / Chiangmai).
 */

const THAI_PREFIXES = ['จังหวัด', 'กิ่งอำเภอ', 'อำเภอ', 'ตำบล', 'แขวง', 'เขต', 'จ.', 'อ.', 'ต.', 'ข.'];
const LATIN_AFFIXES =
  /\b(changwat|province|prov|amphoe|amphur|district|khet|tambon|tumbon|sub-?district|khwaeng|kwaeng|city|municipality)\b\.?/g;

/** Bangkok has many everyday names; all of them mean the official กรุงเทพมหานคร. */
const ALIASES: Record<string, string> = {
  กรุงเทพ: 'กรุงเทพมหานคร',
  กรุงเทพฯ: 'กรุงเทพมหานคร',
  กทม: 'กรุงเทพมหานคร',
  'กทม.': 'กรุงเทพมหานคร',
  krungthep: 'bangkok',
  bangkokmetropolis: 'bangkok',
  bkk: 'bangkok',
};

const isThai = (text: string) => /[\u0E00-\u0E7F]/.test(text);

/** The comparable form of a name: no prefix, no spaces or punctuation, lower case. */
export function placeKey(raw: string): string {
  let text = raw.normalize('NFC').trim().toLowerCase();
  if (isThai(text)) {
    const compact = text.replace(/\s+/g, '');
    if (ALIASES[compact]) return ALIASES[compact];
    text = compact;
    for (let stripped = true; stripped;) {
      stripped = false;
      for (const prefix of THAI_PREFIXES) {
        if (text.startsWith(prefix) && text.length > prefix.length) {
          text = text.slice(prefix.length);
          stripped = true;
        }
      }
    }
    const key = text.replace(/[^\u0E00-\u0E7F]/g, '');
    return ALIASES[key] ?? key;
  }
  const key = text.replace(LATIN_AFFIXES, ' ').replace(/[^a-z]/g, '');
  return ALIASES[key] ?? key;
}

/**
 * A looser key: in Thai, tone marks and the silencer (่ ้ ๊ ๋ ็ ์) are the commonest slips; in
 * Latin script, the aspirating "h" (ph/th/kh/ch) and doubled vowels are what differ most between
 * official RTGS names and what people type.
 */
export function looseKey(key: string): string {
  if (isThai(key)) return key.replace(/[\u0E47-\u0E4C]/g, '');
  return key
    .replace(/oo/g, 'u')
    .replace(/ee/g, 'i')
    .replace(/h/g, '')
    .replace(/(.)\1+/g, '$1');
}

/** Levenshtein distance, stopping early once it exceeds `max`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > max) return max + 1;
    previous = current;
  }
  return previous[b.length]!;
}

/** How many typing mistakes a name of this length may carry and still match. */
export const allowedMistakes = (key: string) => (key.length < 4 ? 0 : key.length < 9 ? 1 : 2);

export type NamedPlace = { nameTh: string; nameEn: string };

/**
 * The places whose name matches what was typed: exact keys first, then the loose key, then within
 * a small edit distance. Returns every equally good candidate so callers can tell "ambiguous" apart.
 */
export function matchPlaces<T extends NamedPlace>(typed: string, places: readonly T[]): T[] {
  const key = placeKey(typed);
  if (!key) return [];
  const keysOf = (place: T) => [placeKey(place.nameTh), placeKey(place.nameEn)];
  const exact = places.filter((place) => keysOf(place).includes(key));
  if (exact.length > 0) return exact;
  const loose = looseKey(key);
  const byLoose = places.filter((place) => keysOf(place).some((k) => looseKey(k) === loose));
  if (byLoose.length > 0) return byLoose;
  const max = allowedMistakes(loose);
  if (max === 0) return [];
  let best = max + 1;
  let found: T[] = [];
  for (const place of places) {
    for (const k of keysOf(place)) {
      const distance = editDistance(loose, looseKey(k), max);
      if (distance < best) {
        best = distance;
        found = [place];
      } else if (distance === best && distance <= max && !found.includes(place)) {
        found.push(place);
      }
    }
  }
  return best <= max ? found : [];
}
