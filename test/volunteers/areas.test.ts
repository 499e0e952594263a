import { loadAddressDirectory } from '../../src/geo/address-directory';
import { resolveAreas } from '../../src/volunteers';

const codes = (r: ReturnType<typeof resolveAreas>) =>
  r.areas.map((a) => a.districtCode ?? a.provinceCode).sort();

describe('resolveAreas', () => {
  it('reads districts with their province as context, in Thai and English', async () => {
    const directory = await loadAddressDirectory();
    const th = resolveAreas(directory, 'แม่ริม, สันทราย, เชียงใหม่');
    expect(th.unresolved).toEqual([]);
    expect(th.areas.every((a) => a.provinceCode === '50' && a.districtCode)).toBe(true);
    expect(th.areas.map((a) => a.district).sort()).toEqual(['แม่ริม', 'สันทราย'].sort());

    const en = resolveAreas(directory, 'Mae Rim, San Sai, Chiang Mai');
    expect(codes(en)).toEqual(codes(th));
  });

  it('takes a province alone as the whole province and reports what it could not find', async () => {
    const directory = await loadAddressDirectory();
    const result = resolveAreas(directory, 'อ.เขาค้อ จ.เพชรบูรณ์; ลำพูน; Atlantis');
    expect(result.areas.find((a) => a.provinceCode === '51')).toEqual(
      expect.objectContaining({ province: 'ลำพูน', provinceEn: 'Lamphun' }),
    );
    expect(result.areas.find((a) => a.provinceCode === '51')?.districtCode).toBeUndefined();
    expect(result.areas.find((a) => a.provinceCode === '67')?.district).toBe('เขาค้อ');
    expect(result.unresolved).toEqual(['Atlantis']);
    expect(resolveAreas(directory, 'nowhere at all').areas).toEqual([]);
  });
});
