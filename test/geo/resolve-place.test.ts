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
