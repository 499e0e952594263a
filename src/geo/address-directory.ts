import { getDistricts, getProvinces, getSubDistricts } from 'thai-address-universal';

/**
 * Thailand's provinces, districts and subdistricts in Thai and English with their DOPA / TIS 1099
 * geocodes (2, 4, 6 digits), from the npm package `thai-address-universal` (ISC; derived from
 * thai-address-database). A few rows have no code in that data (e.g. Bueng Kan's districts): they
 * keep their names and get no code rather than a made-up one.
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
  const allDistrictNames = new Map<string, number>();
  const rawProvinces = await getProvinces();
  const perProvince = await Promise.all(rawProvinces.map((p) => getDistricts(p.code)));
  for (const district of perProvince.flat()) {
    allDistrictNames.set(district.nameTh, (allDistrictNames.get(district.nameTh) ?? 0) + 1);
  }

  const provinces: Province[] = [];
  for (const [index, raw] of rawProvinces.entries()) {
    const districts: District[] = [];
    for (const rawDistrict of perProvince[index] ?? []) {
      const code = childCode(rawDistrict.code, raw.code, 4);
      // Looking subdistricts up by name is only safe when no other district shares that name.
      const key = code ?? (allDistrictNames.get(rawDistrict.nameTh) === 1 ? rawDistrict.nameTh : undefined);
      const rawSubdistricts = key ? await getSubDistricts(key) : [];
      const seen = new Set<string>();
      const subdistricts: AdminArea[] = [];
      for (const s of rawSubdistricts) {
        // One row per postal code in the source: keep one per subdistrict.
        if (seen.has(s.nameTh)) continue;
        seen.add(s.nameTh);
        subdistricts.push({ nameTh: s.nameTh, nameEn: s.nameEn, code: childCode(s.code, code, 6) });
      }
      districts.push({
        nameTh: rawDistrict.nameTh,
        nameEn: rawDistrict.nameEn,
        code,
        provinceCode: raw.code,
        subdistricts,
      });
    }
    const code = PROVINCE_CODE_FIXES[raw.code] ?? raw.code;
    provinces.push({ nameTh: raw.nameTh, nameEn: raw.nameEn, code, districts });
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
