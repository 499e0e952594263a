import { loadAddressDirectory, type AddressDirectory } from '../../src/geo/address-directory';
import { matchPlaces, placeKey } from '../../src/geo/place-names';
import { provinceAt } from '../../src/geo/province-boundaries';
import { resolvePlace } from '../../src/geo/resolve-place';

let directory: AddressDirectory;
beforeAll(async () => {
  directory = await loadAddressDirectory();
});

describe('province from a point (Natural Earth admin-1 outlines)', () => {
  it.each([
    ['Khao Kho, Phetchabun', 16.65, 101.13, '67'],
    ['Bangkok, Democracy Monument', 13.7567, 100.5018, '10'],
    ['Chiang Mai old city', 18.7883, 98.9853, '50'],
    ['Phuket town', 7.8804, 98.3923, '83'],
    ['Mueang Bueng Kan', 18.36, 103.65, '38'],
  ])('%s', (_label, lat, lng, code) => {
    expect(provinceAt(lat, lng)?.code).toBe(code);
  });

  it('finds Bueng Kan by its DOPA code, 38, from a point or its name', () => {
    expect(resolvePlace(directory, { lat: 18.36, lng: 103.65 })).toMatchObject({
      provinceCode: '38',
      provinceEn: 'Bueng Kan',
    });
    expect(resolvePlace(directory, { typedAddress: { province: 'บึงกาฬ' } }).provinceCode).toBe('38');
  });

  it('finds nothing outside Thailand', () => {
    expect(provinceAt(35.68, 139.69)).toBeUndefined(); // Tokyo
    expect(provinceAt(19.89, 102.13)).toBeUndefined(); // Luang Prabang, Laos
  });
});

describe('place names', () => {
  it('ignores prefixes, spaces and case', () => {
    expect(placeKey('จังหวัดเพชรบูรณ์')).toBe(placeKey('เพชรบูรณ์'));
    expect(placeKey('จ. เพชรบูรณ์')).toBe('เพชรบูรณ์');
    expect(placeKey('อ.เขาค้อ')).toBe('เขาค้อ');
    expect(placeKey('Khao Kho District')).toBe('khaokho');
    expect(placeKey('กทม.')).toBe('กรุงเทพมหานคร');
  });

  it('accepts romanisation variants and a typing mistake, but not a different name', () => {
    const provinces = directory.provinces;
    expect(matchPlaces('Petchaboon', provinces).map((p) => p.code)).toEqual(['67']);
    expect(matchPlaces('Chiangmai', provinces).map((p) => p.code)).toEqual(['50']);
    expect(matchPlaces('เพชรบูร', provinces).map((p) => p.code)).toEqual(['67']);
    expect(matchPlaces('Atlantis', provinces)).toEqual([]);
  });
});

describe('resolvePlace', () => {
  it('takes the province from the point and district/subdistrict from typed names, with codes', () => {
    const place = resolvePlace(directory, {
      lat: 16.65,
      lng: 101.13,
      typedAddress: { district: 'อำเภอเขาค้อ', subdistrict: 'ต.ทุ่งสมอ', province: 'Chiang Mai' },
    });
    expect(place).toMatchObject({
      province: 'เพชรบูรณ์',
      provinceEn: 'Phetchabun',
      provinceCode: '67',
      district: 'เขาค้อ',
      districtCode: '6711',
      subdistrict: 'ทุ่งสมอ',
      subdistrictCode: '671101',
      source: { province: 'point', district: 'typed', subdistrict: 'typed' },
    });
  });

  it('uses typed names in Thai or English when there is no point', () => {
    expect(
      resolvePlace(directory, { typedAddress: { province: 'กรุงเทพฯ', district: 'เขตบางรัก' } }),
    ).toMatchObject({
      provinceCode: '10',
      districtCode: '1004',
      source: { province: 'typed', district: 'typed' },
    });
    expect(
      resolvePlace(directory, { typedAddress: { province: 'Chiang Mai Province', district: 'Mae Rim' } }),
    ).toMatchObject({ provinceCode: '50', district: 'แม่ริม', source: { province: 'typed' } });
  });

  it('finds the province from a district name that is unique in Thailand', () => {
    expect(resolvePlace(directory, { typedAddress: { district: 'เขาค้อ' } })).toMatchObject({
      provinceCode: '67',
      districtCode: '6711',
      source: { province: 'typed', district: 'typed', subdistrict: 'none' },
    });
  });

  it('leaves an ambiguous or unknown name unresolved rather than guessing', () => {
    // Many provinces have a district called เมือง...; "Mueang" alone names none of them.
    expect(resolvePlace(directory, { typedAddress: { district: 'เมือง' } })).toEqual({
      source: { province: 'none', district: 'none', subdistrict: 'none' },
    });
    expect(resolvePlace(directory, { lat: 35.68, lng: 139.69 }).source.province).toBe('none');
  });
});

describe('the address LINE puts on a shared location', () => {
  const at = (address: string) => resolvePlace(directory, { lat: 16.65, lng: 101.13, shared: { address } });

  it.each([
    ['Thai, marker apart from the name', '89 หมู่ 5 ตำบล ทุ่งสมอ อำเภอเขาค้อ เพชรบูรณ์ 67280 ประเทศไทย'],
    ['Thai, abbreviated markers', 'ม.5 ต.ทุ่งสมอ อ.เขาค้อ จ.เพชรบูรณ์ 67280'],
    ['English, as map services write it', 'Thung Samo, Khao Kho District, Phetchabun 67280, Thailand'],
    ['English, with Tambon and Amphoe', 'Tambon Thung Samo, Amphoe Khao Kho, Chang Wat Phetchabun 67280'],
  ])('gives the district and subdistrict: %s', (_label, address) => {
    expect(at(address)).toMatchObject({
      provinceCode: '67',
      districtCode: '6711',
      subdistrictCode: '671101',
      source: { province: 'point', district: 'address', subdistrict: 'address' },
    });
  });

  it('tells a subdistrict from the district of the same name', () => {
    const place = at('ตำบลเขาค้อ อำเภอเขาค้อ เพชรบูรณ์');
    expect(place).toMatchObject({ district: 'เขาค้อ', subdistrict: 'เขาค้อ', districtCode: '6711' });
    expect(at('Khao Kho District, Phetchabun')).toMatchObject({
      district: 'เขาค้อ',
      source: { subdistrict: 'none' },
    });
  });

  it('takes no guess from a misspelt or foreign name, and lets typed names win', () => {
    expect(at('Khao Koh Distrct, Phetchabun').source).toEqual({
      province: 'point',
      district: 'none',
      subdistrict: 'none',
    });
    expect(at('Chiang Mai, Thailand').source.district).toBe('none');
    const typed = resolvePlace(directory, {
      lat: 16.65,
      lng: 101.13,
      typedAddress: { district: 'หล่มเก่า' },
      shared: { address: 'อำเภอเขาค้อ เพชรบูรณ์' },
    });
    expect(typed).toMatchObject({ district: 'หล่มเก่า', source: { district: 'typed' } });
  });

  it('is not used without a point in Thailand', () => {
    expect(
      resolvePlace(directory, { lat: 35.68, lng: 139.69, shared: { address: 'อำเภอเขาค้อ เพชรบูรณ์' } }),
    ).toEqual({
      source: { province: 'none', district: 'none', subdistrict: 'none' },
    });
  });
});
