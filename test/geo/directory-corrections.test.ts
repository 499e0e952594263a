import { getDistricts, getProvinces } from 'thai-address-universal';
import { loadAddressDirectory, type AddressDirectory, type District } from '../../src/geo/address-directory';
import { DISTRICT_FIXES, PROVINCE_NAME_FIXES } from '../../src/geo/directory-corrections';
import { resolvePlace } from '../../src/geo/resolve-place';

let directory: AddressDirectory;
beforeAll(async () => {
  directory = await loadAddressDirectory();
});

const district = (provinceCode: string, nameTh: string): District | undefined =>
  directory.province(provinceCode)?.districts.find((d) => d.nameTh === nameTh);
const allDistricts = () => directory.provinces.flatMap((p) => p.districts);

describe('address directory corrections (directory-corrections.ts)', () => {
  it.each(Object.entries(DISTRICT_FIXES))('%s is applied', (key, fix) => {
    const [provinceCode, nameTh] = key.split('|') as [string, string];
    const found = district(provinceCode, nameTh);
    expect(found).toBeDefined();
    if (fix.code) expect(found!.code).toBe(fix.code);
    if (fix.nameEn) expect(found!.nameEn).toBe(fix.nameEn);
    for (const [subdistrict, code] of Object.entries(fix.subdistrictCodes ?? {})) {
      expect([subdistrict, found!.subdistricts.find((s) => s.nameTh === subdistrict)?.code]).toEqual([
        subdistrict,
        code,
      ]);
    }
    // A district whose code was fixed has every subdistrict coded under it.
    if (fix.code) {
      expect(found!.subdistricts.length).toBeGreaterThan(0);
      for (const s of found!.subdistricts) expect(s.code?.slice(0, 4)).toBe(fix.code);
    }
  });

  it.each(Object.entries(PROVINCE_NAME_FIXES))('province %s is named %j', (code, fix) => {
    expect(directory.province(code)?.nameEn).toBe(fix.nameEn);
  });

  it('is still needed: the package still has each mistake (drop a correction once it is fixed there)', async () => {
    const provinces = await getProvinces();
    for (const [key, fix] of Object.entries(DISTRICT_FIXES)) {
      const [provinceCode, nameTh] = key.split('|') as [string, string];
      const raw = provinces.find((p) => (p.code === '97' ? '38' : p.code) === provinceCode)!;
      const rawDistrict = (await getDistricts(raw.code)).find((d) => d.nameTh === nameTh)!;
      expect(rawDistrict).toBeDefined();
      const stale =
        (fix.code && rawDistrict.code !== fix.code) || (fix.nameEn && rawDistrict.nameEn !== fix.nameEn);
      expect([key, Boolean(stale)]).toEqual([key, true]);
    }
    for (const [code, fix] of Object.entries(PROVINCE_NAME_FIXES)) {
      expect(provinces.find((p) => p.code === code)?.nameEn).toBe(fix.was);
    }
  });

  it('gives every one of the 928 districts its own code, under its province', () => {
    const districts = allDistricts();
    expect(districts).toHaveLength(928);
    const codes = districts.map((d) => d.code);
    expect(codes.filter((c) => !c)).toEqual([]);
    expect(new Set(codes).size).toBe(codes.length);
    for (const d of districts) expect(d.code!.slice(0, 2)).toBe(d.provinceCode);
  });

  it('keeps the districts split off apart from their parents, each with its own subdistricts', () => {
    const names = (d: District | undefined) => d!.subdistricts.map((s) => s.nameTh).sort();
    expect(names(district('53', 'น้ำปาด'))).toEqual(
      ['ท่าแฝก', 'น้ำไคร้', 'น้ำไผ่', 'บ้านฝาย', 'ห้วยมุ่น', 'เด่นเหล็ก', 'แสนตอ'].sort(),
    );
    expect(names(district('53', 'ท่าปลา'))).toEqual(
      ['จริม', 'ท่าปลา', 'นางพญา', 'น้ำหมัน', 'ผาเลือด', 'ร่วมจิต', 'หาดล้า'].sort(),
    );
    expect(names(district('50', 'กัลยาณิวัฒนา'))).toEqual(['บ้านจันทร์', 'แจ่มหลวง', 'แม่แดด'].sort());
    expect(
      district('50', 'แม่แจ่ม')!
        .subdistricts.map((s) => s.code)
        .sort(),
    ).toEqual(['500301', '500302', '500303', '500304', '500305', '500307', '500308']);
  });

  it('resolves a typed place in the corrected districts to their own codes', () => {
    expect(
      resolvePlace(directory, {
        typedAddress: { subdistrict: 'ท่าแฝก', district: 'น้ำปาด', province: 'อุตรดิตถ์' },
      }),
    ).toMatchObject({ districtCode: '5304', districtEn: 'Nam Pat', subdistrictCode: '530407' });
    expect(resolvePlace(directory, { typedAddress: { district: 'Galyani Vadhana' } })).toMatchObject({
      provinceCode: '50',
      districtCode: '5025',
    });
    expect(
      resolvePlace(directory, { typedAddress: { subdistrict: 'หนองเดิ่น', province: 'บึงกาฬ' } }),
    ).toMatchObject({
      districtCode: '3808',
      subdistrictCode: '380802',
    });
    expect(
      resolvePlace(directory, { typedAddress: { district: 'Sathon', province: 'Bangkok' } }).districtCode,
    ).toBe('1028');
  });
});
