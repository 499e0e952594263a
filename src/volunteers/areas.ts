import type { AddressDirectory, District, Province } from '../geo/address-directory';
import { matchPlaces } from '../geo/place-names';
import type { VolunteerArea } from './model';

export type ResolvedAreas = { areas: VolunteerArea[]; unresolved: string[] };

/** Longest English place names ("Phra Nakhon Si Ayutthaya") have four words. */
const MAX_WORDS = 4;

/**
 * The areas a volunteer typed ("แม่ริม, สันทราย, เชียงใหม่" or "Mae Rim, San Sai, Chiang Mai"):
 * provinces and districts recognised by name, Thai or English. A district name found in several
 * provinces is settled by a province named alongside; a province named with districts of its own is
 * their context, and alone it means the whole province. Pure: the directory is passed in.
 */
export function resolveAreas(directory: AddressDirectory, typed: string): ResolvedAreas {
  const provinces = new Map<string, Province>();
  const candidates: { text: string; districts: District[] }[] = [];
  const unresolved: string[] = [];
  const allDistricts = directory.provinces.flatMap((p) => p.districts);

  for (const segment of segmentsOf(typed)) {
    const words = segment.split(/\s+/).filter(Boolean);
    let start = 0;
    const missed: string[] = [];
    while (start < words.length) {
      let matched = false;
      // Longest run of words first: "Chiang Mai" before "Chiang".
      for (let length = Math.min(MAX_WORDS, words.length - start); length >= 1 && !matched; length--) {
        const text = words.slice(start, start + length).join(' ');
        const province = single(matchPlaces(text, directory.provinces));
        if (province) {
          provinces.set(province.code, province);
        } else {
          const districts = matchPlaces(text, allDistricts);
          if (districts.length === 0) continue;
          candidates.push({ text, districts });
        }
        start += length;
        matched = true;
      }
      if (!matched) missed.push(words[start++]!);
    }
    if (missed.length > 0) unresolved.push(missed.join(' '));
  }

  const districts = new Map<string, District>();
  for (const candidate of candidates) {
    const inNamed = candidate.districts.filter((d) => provinces.has(d.provinceCode));
    const district = single(inNamed.length > 0 ? inNamed : candidate.districts);
    // Districts without a code in the data cannot be matched against cases: keep them unresolved.
    if (district?.code) districts.set(district.code, district);
    else unresolved.push(candidate.text);
  }

  const areas: VolunteerArea[] = [];
  const withDistricts = new Set([...districts.values()].map((d) => d.provinceCode));
  for (const province of provinces.values()) {
    if (!withDistricts.has(province.code)) areas.push(provinceArea(province));
  }
  for (const district of districts.values()) {
    const province = directory.province(district.provinceCode);
    if (!province) continue;
    areas.push({
      ...provinceArea(province),
      districtCode: district.code!,
      district: district.nameTh,
      districtEn: district.nameEn,
    });
  }
  return { areas, unresolved };
}

function provinceArea(province: Province): VolunteerArea {
  return { provinceCode: province.code, province: province.nameTh, provinceEn: province.nameEn };
}

/** Commas, semicolons, new lines, "และ", "and", "thiab" separate areas. */
function segmentsOf(typed: string): string[] {
  return typed
    .normalize('NFC')
    .split(/[,;\n、/]+|\s+(?:และ|and|thiab|kab|&)\s+/i)
    .map((s) => s.trim())
    .filter(Boolean);
}

const single = <T>(found: T[]): T | undefined => (found.length === 1 ? found[0] : undefined);

/** An area in the reader's language: Thai names for Thai, English (RTGS) names otherwise. */
export function areaLabel(area: VolunteerArea, language: string): { province: string; district?: string } {
  const thai = language === 'th';
  return {
    province: thai ? area.province : area.provinceEn,
    ...(area.districtCode ? { district: thai ? area.district : area.districtEn } : {}),
  };
}
