import { editDistance } from '../geo/place-names';
import type { Case, DuplicateFlag } from './case-schema';
import type { CaseModel } from './case-model';
import { asciiDigits } from './keywords';

/** Two reports of one household are rarely further apart than this (GPS drift, a neighbour's phone). */
export const DUPLICATE_RADIUS_METRES = 200;
const EARTH_RADIUS_METRES = 6_371_008.8;
const MAX_CANDIDATES = 100;

export function haversineMetres(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const rad = (deg: number) => (deg * Math.PI) / 180;
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_METRES * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The latitude/longitude box around a point that contains every point within `metres`. */
export function boundingBox(point: { lat: number; lng: number }, metres: number) {
  const dLat = metres / 111_320;
  const dLng = metres / (111_320 * Math.max(0.01, Math.cos((point.lat * Math.PI) / 180)));
  return {
    minLat: point.lat - dLat,
    maxLat: point.lat + dLat,
    minLng: point.lng - dLng,
    maxLng: point.lng + dLng,
  };
}

/** A Thai phone number's comparable form: ASCII digits, national format (0 + 8 or 9 digits). */
export function phoneKey(phone: string | undefined): string | undefined {
  if (!phone) return undefined;
  let digits = asciiDigits(phone).replace(/\D/g, '');
  if (digits.startsWith('66') && digits.length >= 10) digits = `0${digits.slice(2)}`;
  return digits.length >= 9 ? digits : undefined;
}

const HONORIFICS = /^(นางสาว|น\.ส\.|นาง|นาย|ด\.ช\.|ด\.ญ\.|เด็กชาย|เด็กหญิง|mrs\.?|mr\.?|ms\.?|miss)\s*/;

const nameKey = (name: string) =>
  name.normalize('NFC').toLowerCase().trim().replace(HONORIFICS, '').replace(/\s+/g, ' ');

/**
 * Whether two household heads' names plausibly name one person: equal after removing honorifics
 * and spaces, within a typing mistake or two, or sharing the first name (one report often has the
 * full name, the other only the first).
 */
export function similarNames(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const [ka, kb] = [nameKey(a), nameKey(b)];
  const [ca, cb] = [ka.replace(/ /g, ''), kb.replace(/ /g, '')];
  if (ca.length < 2 || cb.length < 2) return false;
  if (ca === cb) return true;
  const mistakes = Math.min(ca.length, cb.length) >= 8 ? 2 : Math.min(ca.length, cb.length) >= 4 ? 1 : 0;
  if (mistakes > 0 && editDistance(ca, cb, mistakes) <= mistakes) return true;
  const [fa, fb] = [ka.split(' ')[0]!, kb.split(' ')[0]!];
  return fa.length >= 2 && fa === fb && ka.includes(' ') !== kb.includes(' ');
}

export type DuplicateProbe = {
  lat?: number;
  lng?: number;
  headName?: string;
  phone?: string;
};

/**
 * Earlier cases that may be the same household: within the radius (a bounding-box query on the
 * plain lat/lng index, then haversine here) and with a similar head name or the same phone.
 * They are flagged for staff, never merged.
 */
export async function findPossibleDuplicates(
  cases: CaseModel,
  probe: DuplicateProbe,
  at: Date,
): Promise<DuplicateFlag[]> {
  if (probe.lat === undefined || probe.lng === undefined) return [];
  const point = { lat: probe.lat, lng: probe.lng };
  const box = boundingBox(point, DUPLICATE_RADIUS_METRES);
  const nearby = await cases
    .find(
      {
        'location.lat': { $gte: box.minLat, $lte: box.maxLat },
        'location.lng': { $gte: box.minLng, $lte: box.maxLng },
      },
      { reference: 1, 'location.lat': 1, 'location.lng': 1, 'household.headName': 1, 'household.phone': 1 },
    )
    .limit(MAX_CANDIDATES)
    .lean<Pick<Case, 'reference' | 'location' | 'household'>[]>();

  const phone = phoneKey(probe.phone);
  const flags: DuplicateFlag[] = [];
  for (const other of nearby) {
    const { lat, lng } = other.location;
    if (lat === undefined || lng === undefined) continue;
    const distance = haversineMetres(point, { lat, lng });
    if (distance > DUPLICATE_RADIUS_METRES) continue;
    const reasons: DuplicateFlag['reasons'] = [];
    if (similarNames(probe.headName, other.household.headName)) reasons.push('similar_name');
    if (phone && phone === phoneKey(other.household.phone)) reasons.push('same_phone');
    if (reasons.length === 0) continue;
    flags.push({
      reference: other.reference,
      reasons: ['near_location', ...reasons],
      distanceMeters: Math.round(distance),
      flaggedAt: at,
    });
  }
  return flags.sort((a, b) => (a.distanceMeters ?? 0) - (b.distanceMeters ?? 0));
}
