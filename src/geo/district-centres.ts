import { z } from 'zod';
import raw from './data/thailand-district-centres.json';

/**
 * A point per district (amphoe, khet), keyed by DOPA code, where the public map puts the district's
 * count: the district seat from the GeoNames gazetteer (CC BY 4.0), extracted by
 * extract-district-centres.ts. It is a public place (a town), never anyone's home. Districts the
 * gazetteer does not name have no point: the map draws them at their province's centre.
 */
export type CentreMethod = 'seat' | 'seat_by_name' | 'only_place';
export type DistrictCentre = { lat: number; lng: number; method: CentreMethod };

const fileSchema = z.object({
  source: z.string(),
  licence: z.string(),
  districts: z.record(
    z.string().regex(/^\d{4}$/),
    z.tuple([z.number(), z.number(), z.enum(['seat', 'seat_by_name', 'only_place'])]),
  ),
});

const file = fileSchema.parse(raw);

/** Said wherever the points are shown or published: the licence asks for the credit. */
export const DISTRICT_CENTRE_SOURCE = file.source;
export const DISTRICT_CENTRE_CREDIT = 'GeoNames (geonames.org), CC BY 4.0';

const centres = new Map(
  Object.entries(file.districts).map(([code, [lat, lng, method]]) => [code, { lat, lng, method }]),
);

export function districtCentre(code: string): DistrictCentre | undefined {
  return centres.get(code);
}

export function districtCentreCodes(): string[] {
  return [...centres.keys()];
}
