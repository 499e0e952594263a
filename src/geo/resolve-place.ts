import type { AddressDirectory, AdminArea, District, Province } from './address-directory';
import { matchPlaces } from './place-names';
import { provinceAt } from './province-boundaries';
import { placeInAddress } from './shared-address';

/** Where a part of the place came from; `address` is the address LINE's app put on a shared location. */
export const PLACE_SOURCES = ['point', 'typed', 'address', 'none'] as const;
export type PlaceSource = (typeof PLACE_SOURCES)[number];

export type TypedAddress = { village?: string; subdistrict?: string; district?: string; province?: string };
export type SharedPlace = { title?: string; address?: string };

export type ResolvedPlace = {
  province?: string;
  provinceEn?: string;
  provinceCode?: string;
  district?: string;
  districtEn?: string;
  districtCode?: string;
  subdistrict?: string;
  subdistrictEn?: string;
  subdistrictCode?: string;
  source: { province: PlaceSource; district: PlaceSource; subdistrict: PlaceSource };
};

/** A single match, or nothing when the name matches nowhere or several places equally well. */
const unique = <T>(found: T[]): T | undefined => (found.length === 1 ? found[0] : undefined);

/**
 * Resolves a report's place offline. The province comes from the point when there is one (the
 * point is what the phone measured; a typed name may be a neighbouring province or a home town);
 * otherwise from the typed name. Districts and subdistricts come from the typed names only: no
 * package we may ship has their outlines. A typed district also settles the province when the
 * province was neither shared nor typed recognisably and the district's name is unique in Thailand.
 * A shared point with the address LINE's app wrote on it gets its district and subdistrict from
 * that address when nothing typed named them.
 */
export function resolvePlace(
  directory: AddressDirectory,
  location: { lat?: number; lng?: number; typedAddress?: TypedAddress; shared?: SharedPlace },
): ResolvedPlace {
  const typed = location.typedAddress ?? {};
  const resolved: ResolvedPlace = { source: { province: 'none', district: 'none', subdistrict: 'none' } };

  let province: Province | undefined;
  if (location.lat !== undefined && location.lng !== undefined) {
    const found = provinceAt(location.lat, location.lng);
    province = found && directory.province(found.code);
    if (province) resolved.source.province = 'point';
  }
  if (!province && typed.province) {
    province = unique(matchPlaces(typed.province, directory.provinces));
    if (province) resolved.source.province = 'typed';
  }

  let district: District | undefined;
  if (typed.district) {
    const pool = province ? province.districts : directory.provinces.flatMap((p) => p.districts);
    district = unique(matchPlaces(typed.district, pool));
    if (district && !province) {
      province = directory.province(district.provinceCode);
      if (province) resolved.source.province = 'typed';
    }
    if (district) resolved.source.district = 'typed';
  }

  let subdistrict: AdminArea | undefined;
  if (typed.subdistrict && (district || province)) {
    const pool = district
      ? district.subdistricts
      : (province?.districts ?? []).flatMap((d) => d.subdistricts);
    subdistrict = unique(matchPlaces(typed.subdistrict, pool));
    if (subdistrict && !district && province) {
      district = province.districts.find((d) => d.subdistricts.includes(subdistrict!));
      if (district) resolved.source.district = 'typed';
    }
    if (subdistrict) resolved.source.subdistrict = 'typed';
  }

  const address = location.shared?.address;
  if (address && province && resolved.source.province === 'point' && !district && !subdistrict) {
    const named = placeInAddress(province, address);
    if (named.district) {
      district = named.district;
      resolved.source.district = 'address';
    }
    if (named.subdistrict) {
      subdistrict = named.subdistrict;
      resolved.source.subdistrict = 'address';
    }
  }

  if (province)
    Object.assign(resolved, {
      province: province.nameTh,
      provinceEn: province.nameEn,
      provinceCode: province.code,
    });
  if (district)
    Object.assign(resolved, {
      district: district.nameTh,
      districtEn: district.nameEn,
      districtCode: district.code,
    });
  if (subdistrict) {
    Object.assign(resolved, {
      subdistrict: subdistrict.nameTh,
      subdistrictEn: subdistrict.nameEn,
      subdistrictCode: subdistrict.code,
    });
  }
  return withoutUndefined(resolved);
}

/** Fields not found are absent rather than `undefined`, so stored documents carry no empty keys. */
function withoutUndefined(place: ResolvedPlace): ResolvedPlace {
  return Object.fromEntries(
    Object.entries(place).filter(([, value]) => value !== undefined),
  ) as ResolvedPlace;
}
