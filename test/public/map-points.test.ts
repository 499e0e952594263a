import type { CaseCategory } from '../../src/cases/case-schema';
import { publicFigures, type PublicCaseRow } from '../../src/public/aggregates';
import { publicCentres } from '../../src/public/map-centres';
import { mapPoints } from '../../src/public/map-points';
import { openDataRows } from '../../src/public/open-data';
import type { PublicFigures } from '../../src/public/schemas';

const NOW = new Date('2025-06-15T10:00:00+07:00');
const placeName = (code: string) => ({ th: `th-${code}`, en: `en-${code}` });

let serial = 0;
const many = (n: number, provinceCode: string, districtCode?: string, category: CaseCategory = 'roof') =>
  Array.from({ length: n }, (): PublicCaseRow => ({
    household: `h${++serial}`,
    category,
    status: 'new',
    provinceCode,
    districtCode,
    householdSize: 4,
    createdAt: new Date('2025-03-10T09:00:00+07:00'),
  }));
const figures = (rows: PublicCaseRow[]) => publicFigures(rows, { now: NOW, threshold: 5, placeName });
const centres = publicCentres();

/** Whatever the data, the map shows only what the tables show, and adds up as they do. */
function expectConsistent(f: PublicFigures) {
  const points = mapPoints(f, centres);
  for (const point of points) {
    const province = f.provinces.find((p) => p.code === point.provinceCode)!;
    expect(province.needs.value).not.toBeNull();
    if (point.kind === 'district') {
      const district = province.districts.find((d) => d.code === point.districtCode)!;
      expect(district.needs.value).toBe(point.needs);
      expect(centres.district(point.districtCode!)).toEqual({ lat: point.lat, lng: point.lng });
    } else {
      expect(point.otherDistricts).toBe(province.otherDistricts.needs ?? 0);
      expect(centres.province(point.provinceCode)).toEqual({ lat: point.lat, lng: point.lng });
    }
  }
  for (const province of f.provinces) {
    const drawn = points.filter((p) => p.provinceCode === province.code);
    if (province.needs.value === null) expect(drawn).toEqual([]);
    else expect(drawn.reduce((sum, p) => sum + p.needs, 0)).toBe(province.needs.value);
    for (const district of province.districts.filter((d) => d.needs.value === null))
      expect(drawn.filter((p) => p.districtCode === district.code)).toEqual([]);
  }
  return points;
}

describe('the map of needs by district', () => {
  it('draws shown districts at their centres and hidden ones only together, at the province centre', () => {
    const f = figures([
      ...many(12, '67', '6711'),
      ...many(10, '67', '6701'),
      ...many(2, '67', '6710'), // Wang Pong: fewer than 5
      ...many(3, '67', '6702'), // Chon Daen: fewer than 5; with Wang Pong, 5
    ]);
    const points = expectConsistent(f);
    expect(points.map((p) => [p.kind, p.districtCode ?? p.provinceCode, p.needs])).toEqual([
      ['district', '6711', 12],
      ['district', '6701', 10],
      ['province_rest', '67', 5],
    ]);
    // Khao Kho's circle is at its seat town, from GeoNames.
    expect(points[0]).toMatchObject({ lat: 16.658, lng: 101.022 });
  });

  it('hides one more district when a single one would be given away, and draws neither', () => {
    const f = figures([...many(12, '67', '6711'), ...many(8, '67', '6701'), ...many(2, '67', '6710')]);
    const points = expectConsistent(f);
    expect(points.map((p) => p.districtCode)).not.toContain('6710');
    // Mueang Phetchabun (8, the smallest other part) is hidden with Wang Pong: 10 together.
    expect(points.map((p) => [p.kind, p.districtCode ?? p.provinceCode, p.needs])).toEqual([
      ['district', '6711', 12],
      ['province_rest', '67', 10],
    ]);
  });

  it('draws nothing for a hidden province, nor for the rest of a province when it is 0', () => {
    const f = figures([...many(6, '67', '6711'), ...many(3, '63', '6301'), ...many(6, '50', '5001')]);
    const points = expectConsistent(f);
    expect(points.some((p) => p.provinceCode === '63')).toBe(false);
    expect(points.filter((p) => p.kind === 'province_rest')).toEqual([]);
  });

  it('puts a shown district it cannot place at the province centre, and says which', () => {
    // Ko Sichang (2008) has no point in GeoNames; an unknown district has no code.
    const f = figures([...many(6, '20', '2001'), ...many(5, '20', '2008'), ...many(7, '20')]);
    const points = expectConsistent(f);
    const rest = points.find((p) => p.kind === 'province_rest')!;
    expect(rest).toMatchObject({ provinceCode: '20', needs: 12, otherDistricts: 0 });
    expect(rest.unplaced.map((d) => [d.code, d.needs])).toEqual([
      [null, 7],
      ['2008', 5],
    ]);
  });

  it('gives open data the same points: shown districts at their centres, hidden ones without', () => {
    const f = figures([...many(12, '67', '6711'), ...many(8, '67', '6701'), ...many(2, '67', '6710')]);
    const rows = openDataRows(f, centres);
    const district = (code: string) => rows.find((r) => r.level === 'district' && r.district_code === code)!;
    expect(district('6711')).toMatchObject({ lat: 16.658, lon: 101.022 });
    expect(district('6701')).toMatchObject({ lat: null, lon: null, needs_reported: null });
    expect(district('6710')).toMatchObject({ lat: null, lon: null, needs_reported: null });
    const rest = rows.find((r) => r.level === 'other_districts')!;
    expect(rest).toMatchObject({ needs_reported: 10 });
    expect([rest.lat, rest.lon]).toEqual([centres.province('67')!.lat, centres.province('67')!.lng]);
  });
});
