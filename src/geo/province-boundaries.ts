import { z } from 'zod';
import raw from './data/thailand-provinces.json';

/** [lng, lat], as GeoJSON orders them. */
type Ring = number[][];

const fileSchema = z.object({
  source: z.string(),
  provinces: z.array(
    z.object({
      code: z.string().regex(/^\d{2}$/),
      nameEn: z.string(),
      polygons: z.array(z.array(z.array(z.array(z.number())))),
    }),
  ),
});

type Province = {
  code: string;
  nameEn: string;
  polygons: Ring[][];
  bbox: [minLng: number, minLat: number, maxLng: number, maxLat: number];
};

export const BOUNDARY_SOURCE = fileSchema.shape.source.parse(raw.source);

const provinces: Province[] = fileSchema.parse(raw).provinces.map((province) => {
  const points = province.polygons.flatMap((rings) => rings[0] ?? []);
  const lngs = points.map((p) => p[0]!);
  const lats = points.map((p) => p[1]!);
  return {
    ...province,
    bbox: [Math.min(...lngs), Math.min(...lats), Math.max(...lngs), Math.max(...lats)],
  };
});

/** Ray casting (even-odd rule) on one ring. */
function insideRing(lng: number, lat: number, ring: Ring): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as [number, number];
    const [xj, yj] = ring[j] as [number, number];
    if (yi > lat !== yj > lat && lng < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Inside the outer ring and outside every hole. */
const insidePolygon = (lng: number, lat: number, rings: Ring[]) =>
  rings.length > 0 &&
  insideRing(lng, lat, rings[0]!) &&
  rings.slice(1).every((hole) => !insideRing(lng, lat, hole));

const METRES_PER_DEGREE = 111_320;

/** Distance in metres from a point to a segment, on a local equirectangular projection. */
function distanceToSegment(lng: number, lat: number, a: number[], b: number[]): number {
  const kx = Math.cos((lat * Math.PI) / 180) * METRES_PER_DEGREE;
  const ky = METRES_PER_DEGREE;
  const [ax, ay, bx, by] = [(a[0]! - lng) * kx, (a[1]! - lat) * ky, (b[0]! - lng) * kx, (b[1]! - lat) * ky];
  const dx = bx - ax;
  const dy = by - ay;
  const lengthSq = dx * dx + dy * dy;
  const t = lengthSq === 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / lengthSq));
  return Math.hypot(ax + t * dx, ay + t * dy);
}

/**
 * A point this close outside every polygon still counts for the nearest province: the 1:10m
 * outlines cut off piers, small islands and river banks, where people do live.
 */
export const COAST_TOLERANCE_METRES = 3000;

export type ProvinceAtPoint = { code: string; nameEn: string };

/** The province containing the point (offline, from Natural Earth admin-1 outlines), if in Thailand. */
export function provinceAt(lat: number, lng: number): ProvinceAtPoint | undefined {
  const margin = COAST_TOLERANCE_METRES / METRES_PER_DEGREE / Math.cos((lat * Math.PI) / 180);
  const candidates = provinces.filter(
    ({ bbox }) =>
      lng >= bbox[0] - margin &&
      lng <= bbox[2] + margin &&
      lat >= bbox[1] - margin &&
      lat <= bbox[3] + margin,
  );
  const containing = candidates.find((p) => p.polygons.some((rings) => insidePolygon(lng, lat, rings)));
  if (containing) return { code: containing.code, nameEn: containing.nameEn };

  let nearest: { province: Province; distance: number } | undefined;
  for (const province of candidates) {
    for (const rings of province.polygons) {
      const outer = rings[0] ?? [];
      for (let i = 1; i < outer.length; i++) {
        const distance = distanceToSegment(lng, lat, outer[i - 1]!, outer[i]!);
        if (!nearest || distance < nearest.distance) nearest = { province, distance };
      }
    }
  }
  return nearest && nearest.distance <= COAST_TOLERANCE_METRES
    ? { code: nearest.province.code, nameEn: nearest.province.nameEn }
    : undefined;
}
