import { districtCentre } from '../geo/district-centres';
import { mapOutline } from './map-outline';
import type { CentreLookup } from './map-points';

/**
 * Where the public map and the open data put a count: a district at its seat town (GeoNames), the
 * rest of a province at the centre of the province's outline. Both are public places of the map, never
 * a household's location.
 */
export function publicCentres(): CentreLookup {
  const provinces = new Map(
    mapOutline().provinces.map((p) => [p.code, { lat: p.centreLatLng[0], lng: p.centreLatLng[1] }]),
  );
  return {
    district: (code) => {
      const centre = districtCentre(code);
      return centre && { lat: centre.lat, lng: centre.lng };
    },
    province: (code) => provinces.get(code),
  };
}
