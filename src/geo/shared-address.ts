import type { AdminArea, District, Province } from './address-directory';
import { looseKey, placeKey } from './place-names';

/**
 * The address LINE's app writes into a shared location comes from a map service, in the phone's
 * language: "89 หมู่ 5 ตำบล เข็กน้อย อำเภอเขาค้อ เพชรบูรณ์ 67280 ประเทศไทย" or
 * "Khek Noi, Khao Kho District, Phetchabun 67280, Thailand". Its names are spelled officially, so
 * only exact (or tone-mark-loose) matches count here: a guess would put a family in the wrong district.
 */
type Pieces = { subdistrict: string[]; district: string[]; unmarked: string[] };

const THAI_SUBDISTRICT = /^(ตำบล|ต\.|แขวง)/;
const THAI_DISTRICT = /^(อำเภอ|อ\.|เขต|กิ่งอำเภอ)/;
const LATIN_SUBDISTRICT = /\b(sub-?district|tambon|khwaeng)\b/i;
const LATIN_DISTRICT = /\b(district|amphoe|khet)\b/i;
const NOT_A_PLACE = /^(ประเทศไทย|thailand|\d+.*|หมู่(ที่)?|ม\.|moo|village|no\.?)$/i;

function pieces(address: string): Pieces {
  const found: Pieces = { subdistrict: [], district: [], unmarked: [] };
  const thai = /[\u0E00-\u0E7F]/.test(address);
  // Thai words are spaced apart, and a marker may stand apart from its name: "ตำบล เข็กน้อย".
  const parts = thai
    ? address.replace(/(ตำบล|แขวง|กิ่งอำเภอ|อำเภอ|เขต|จังหวัด|ต\.|อ\.|จ\.)\s+/g, '$1').split(/[\s,]+/)
    : address.split(/[,\n]+/);
  for (const raw of parts) {
    const part = raw.replace(/\b\d{5}\b/g, '').trim();
    if (!part || NOT_A_PLACE.test(part)) continue;
    if (thai ? THAI_SUBDISTRICT.test(part) : LATIN_SUBDISTRICT.test(part)) found.subdistrict.push(part);
    else if (thai ? THAI_DISTRICT.test(part) : LATIN_DISTRICT.test(part)) found.district.push(part);
    else found.unmarked.push(part);
  }
  return found;
}

function matchExactly<T extends AdminArea>(candidates: string[], places: readonly T[]): T | undefined {
  const keys = (place: T) => [placeKey(place.nameTh), placeKey(place.nameEn)].filter(Boolean);
  const hits = new Set<T>();
  for (const candidate of candidates) {
    const key = placeKey(candidate);
    if (!key) continue;
    for (const place of places) {
      const own = keys(place);
      if (own.includes(key) || own.some((k) => looseKey(k) === looseKey(key))) hits.add(place);
    }
  }
  return hits.size === 1 ? [...hits][0] : undefined;
}

/**
 * The district and subdistrict a shared location's address names, inside the province the point
 * lies in. Marked names ("อำเภอ…", "… District") are preferred; an unmarked piece is tried when no
 * marked one matched, and a piece that named the district is not taken for the subdistrict too.
 */
export function placeInAddress(
  province: Province,
  address: string,
): { district?: District; subdistrict?: AdminArea } {
  const found = pieces(address);
  let district = matchExactly(found.district, province.districts);
  let districtPiece: string | undefined;
  if (!district) {
    for (const piece of found.unmarked) {
      const match = matchExactly([piece], province.districts);
      if (match) {
        if (district && district !== match) {
          district = undefined;
          break;
        }
        district = match;
        districtPiece = piece;
      }
    }
  }
  const pool = district ? district.subdistricts : province.districts.flatMap((d) => d.subdistricts);
  let subdistrict = matchExactly(found.subdistrict, pool);
  if (!subdistrict && found.subdistrict.length === 0) {
    subdistrict = matchExactly(
      found.unmarked.filter((piece) => piece !== districtPiece),
      pool,
    );
  }
  if (subdistrict && !district) {
    district = province.districts.find((d) => d.subdistricts.includes(subdistrict!));
  }
  return { ...(district ? { district } : {}), ...(subdistrict ? { subdistrict } : {}) };
}
