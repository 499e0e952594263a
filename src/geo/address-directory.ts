import { getDistricts, getProvinces, getSubDistricts } from 'thai-address-universal';
import { DISTRICT_FIXES, PROVINCE_NAME_FIXES, districtFixKey } from './directory-corrections';

/**
 * Thailand's provinces, districts and subdistricts in Thai and English with their DOPA / TIS 1099
 * geocodes (2, 4, 6 digits), from the npm package `thai-address-universal` (ISC; derived from
 * thai-address-database), with the corrections of directory-corrections.ts applied as it is built
 * (wrong or missing codes, misspelt English names). A row still without a code keeps its names and
 * gets no code rather than a made-up one.
 */
export type AdminArea = { nameTh: string; nameEn: string; code?: string };
export type District = AdminArea & { provinceCode: string; subdistricts: AdminArea[] };
export type Province = AdminArea & { code: string; districts: District[] };

export type AddressDirectory = {
  provinces: Province[];
  province(code: string): Province | undefined;
};

/**
 * Bueng Kan (split from Nong Khai in 2011) is 38 in DOPA's geocodes and in the province outlines,
 * but 97 in the package's data: without this a shared point there found no province.
 */
const PROVINCE_CODE_FIXES: Record<string, string> = { '97': '38' };

/** A code is kept only when it sits under its parent's code: the data has a few stray ones. */
const childCode = (code: string | undefined, parent: string | undefined, length: number) =>
  code && parent && code.length === length && code.startsWith(parent) ? code : undefined;

async function build(): Promise<AddressDirectory> {
  const rawProvinces = await getProvinces();
  const perProvince = await Promise.all(rawProvinces.map((p) => getDistricts(p.code)));
  const count = (keys: (string | undefined)[]) => {
    const counts = new Map<string | undefined, number>();
    for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
    return counts;
  };
  const allDistrictNames = count(perProvince.flat().map((d) => d.nameTh));
  // A code two districts share in the package (5303 for Tha Pla and Nam Pat) lists both districts'
  // subdistricts: such a district's subdistricts are looked up by its (unique) name instead.
  const allDistrictCodes = count(perProvince.flat().map((d) => d.code));

  const provinces: Province[] = [];
  for (const [index, raw] of rawProvinces.entries()) {
    const provinceCode = PROVINCE_CODE_FIXES[raw.code] ?? raw.code;
    const districts: District[] = [];
    for (const rawDistrict of perProvince[index] ?? []) {
      const fix = DISTRICT_FIXES[districtFixKey(provinceCode, rawDistrict.nameTh)];
      const code = fix?.code ?? childCode(rawDistrict.code, raw.code, 4);
      const uniqueCode = rawDistrict.code && allDistrictCodes.get(rawDistrict.code) === 1 && !fix?.code;
      // Looking subdistricts up by name is only safe when no other district shares that name.
      const uniqueName = allDistrictNames.get(rawDistrict.nameTh) === 1;
      const key = uniqueCode ? code : uniqueName ? rawDistrict.nameTh : undefined;
      const rawSubdistricts = key ? await getSubDistricts(key) : [];
      const seen = new Set<string>();
      const subdistricts: AdminArea[] = [];
      for (const s of rawSubdistricts) {
        // One row per postal code in the source: keep one per subdistrict.
        if (seen.has(s.nameTh)) continue;
        seen.add(s.nameTh);
        const subdistrictCode = fix?.subdistrictCodes?.[s.nameTh] ?? s.code;
        subdistricts.push({ nameTh: s.nameTh, nameEn: s.nameEn, code: childCode(subdistrictCode, code, 6) });
      }
      districts.push({
        nameTh: rawDistrict.nameTh,
        nameEn: fix?.nameEn ?? rawDistrict.nameEn,
        code,
        provinceCode,
        subdistricts,
      });
    }
    const nameEn = PROVINCE_NAME_FIXES[provinceCode]?.nameEn ?? raw.nameEn;
    provinces.push({ nameTh: raw.nameTh, nameEn, code: provinceCode, districts });
  }
  const byCode = new Map(provinces.map((p) => [p.code, p]));
  return { provinces, province: (code) => byCode.get(code) };
}

let loading: Promise<AddressDirectory> | undefined;

/** Built once per process (about 8,000 rows, a few tens of milliseconds) and shared. */
export function loadAddressDirectory(): Promise<AddressDirectory> {
  loading ??= build().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}
