import type { PublicFigures } from './schemas';

/**
 * The points of the public map of needs by district: pure, from the published figures only, so the
 * map shows exactly what the tables show and nothing a reader could not already add up from them.
 *
 * - A district whose needs figure is shown gets a point at its centre (its seat town, a public place).
 * - Districts whose figure is hidden are never drawn by themselves: they are the table's "other
 *   districts together" row, drawn at the province's centre, and only when that row is shown and not 0.
 * - A shown district the map cannot place (district not known, or no centre in the gazetteer) joins
 *   that point at the province's centre: its figure is shown in the table, so the sum gives nothing away.
 * - A hidden province has no point at all (its area is shaded "fewer than 5" instead).
 * No point ever comes from a household's location.
 */

type LatLng = { lat: number; lng: number };

export type MapPoint = {
  kind: 'district' | 'province_rest';
  provinceCode: string;
  /** The district drawn, for `district`. */
  districtCode: string | null;
  nameTh: string | null;
  nameEn: string | null;
  /** Needs reported, as the tables publish them. */
  needs: number;
  /** For `province_rest`: the "other districts together" figure and the shown districts placed there. */
  otherDistricts: number;
  unplaced: { code: string | null; nameTh: string | null; nameEn: string | null; needs: number }[];
  lat: number;
  lng: number;
};

export type CentreLookup = {
  district(code: string): LatLng | undefined;
  province(code: string): LatLng | undefined;
};

export function mapPoints(figures: PublicFigures, centres: CentreLookup): MapPoint[] {
  const points: MapPoint[] = [];
  for (const province of figures.provinces) {
    if (!province.code || province.needs.value === null || province.needs.value === 0) continue;
    const rest: MapPoint['unplaced'] = [];
    for (const district of province.districts) {
      const needs = district.needs.value;
      if (needs === null || needs === 0) continue;
      const centre = district.code ? centres.district(district.code) : undefined;
      if (!centre) {
        rest.push({ code: district.code, nameTh: district.nameTh, nameEn: district.nameEn, needs });
        continue;
      }
      points.push({
        kind: 'district',
        provinceCode: province.code,
        districtCode: district.code,
        nameTh: district.nameTh,
        nameEn: district.nameEn,
        needs,
        otherDistricts: 0,
        unplaced: [],
        lat: centre.lat,
        lng: centre.lng,
      });
    }
    const otherDistricts = province.otherDistricts.needs ?? 0;
    const needs = otherDistricts + rest.reduce((sum, d) => sum + d.needs, 0);
    const centre = centres.province(province.code);
    if (needs > 0 && centre) {
      points.push({
        kind: 'province_rest',
        provinceCode: province.code,
        districtCode: null,
        nameTh: province.nameTh,
        nameEn: province.nameEn,
        needs,
        otherDistricts,
        unplaced: rest,
        lat: centre.lat,
        lng: centre.lng,
      });
    }
  }
  // Largest first, so the smaller circles are drawn over them and stay visible.
  return points.sort((a, b) => b.needs - a.needs || a.lat - b.lat || a.lng - b.lng);
}
