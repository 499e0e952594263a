import raw from '../geo/data/thailand-provinces.json';

/**
 * Thailand's provinces as light SVG paths for the public map, from the province outlines in
 * src/geo/data (simplified to about a kilometre, a few tens of kilobytes). The map places counts
 * at province centres: it has no household's point, and the public page needs no tile server.
 */

type Ring = number[][];
export type ProvinceShape = {
  code: string;
  nameEn: string;
  path: string;
  centre: [x: number, y: number];
  /** The same centre on the globe (centroid of the province's largest part). */
  centreLatLng: [lat: number, lng: number];
  /** The outline's extent on the map. */
  box: [minX: number, minY: number, maxX: number, maxY: number];
};
export type MapOutline = {
  width: number;
  height: number;
  provinces: ProvinceShape[];
  /** Where a point on the globe falls on the map, in the SVG's units. */
  project(lat: number, lng: number): [x: number, y: number];
};

const TOLERANCE_DEGREES = 0.02;
const WIDTH = 360;

/** Douglas–Peucker on [lng, lat] points. */
function simplify(points: Ring, tolerance: number): Ring {
  if (points.length < 4) return points;
  const keep = new Array<boolean>(points.length).fill(false);
  keep[0] = keep[points.length - 1] = true;
  const stack: [number, number][] = [[0, points.length - 1]];
  while (stack.length > 0) {
    const [first, last] = stack.pop()!;
    const [ax, ay] = points[first] as [number, number];
    const [bx, by] = points[last] as [number, number];
    const length = Math.hypot(bx - ax, by - ay);
    let farthest = -1;
    let distance = tolerance;
    for (let i = first + 1; i < last; i++) {
      const [px, py] = points[i] as [number, number];
      // A closed ring starts where it ends: there the distance is to that point.
      const d =
        length === 0
          ? Math.hypot(px - ax, py - ay)
          : Math.abs((bx - ax) * (ay - py) - (ax - px) * (by - ay)) / length;
      if (d > distance) {
        distance = d;
        farthest = i;
      }
    }
    if (farthest >= 0) {
      keep[farthest] = true;
      stack.push([first, farthest], [farthest, last]);
    }
  }
  return points.filter((_, i) => keep[i]);
}

/** Signed area and centroid of a ring (shoelace). */
function ringCentroid(ring: Ring): { area: number; x: number; y: number } {
  let area = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as [number, number];
    const [xj, yj] = ring[j] as [number, number];
    const cross = xj * yi - xi * yj;
    area += cross;
    cx += (xj + xi) * cross;
    cy += (yj + yi) * cross;
  }
  area /= 2;
  return area === 0
    ? { area: 0, x: ring[0]![0]!, y: ring[0]![1]! }
    : { area, x: cx / (6 * area), y: cy / (6 * area) };
}

function build(): MapOutline {
  const provinces = raw.provinces as { code: string; nameEn: string; polygons: Ring[][] }[];
  const all = provinces.flatMap((p) => p.polygons.flatMap((rings) => rings[0] ?? []));
  const minLng = Math.min(...all.map((p) => p[0]!));
  const maxLng = Math.max(...all.map((p) => p[0]!));
  const minLat = Math.min(...all.map((p) => p[1]!));
  const maxLat = Math.max(...all.map((p) => p[1]!));
  // Equirectangular, squeezed by the cosine of the middle latitude so the country keeps its shape.
  const squeeze = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180);
  const scale = WIDTH / ((maxLng - minLng) * squeeze);
  const x = (lng: number) => Math.round((lng - minLng) * squeeze * scale * 10) / 10;
  const y = (lat: number) => Math.round((maxLat - lat) * scale * 10) / 10;

  return {
    width: WIDTH,
    height: Math.ceil((maxLat - minLat) * scale),
    project: (lat, lng) => [x(lng), y(lat)],
    provinces: provinces.map((province) => {
      const parts: string[] = [];
      const xs: number[] = [];
      const ys: number[] = [];
      let largest = { area: 0, x: 0, y: 0 };
      for (const rings of province.polygons) {
        const outer = rings[0];
        if (!outer) continue;
        const centroid = ringCentroid(outer);
        if (Math.abs(centroid.area) > Math.abs(largest.area)) largest = centroid;
        const simple = simplify(outer, TOLERANCE_DEGREES);
        if (simple.length < 4) continue; // an islet smaller than the tolerance
        parts.push(`M${simple.map(([lng, lat]) => `${x(lng!)} ${y(lat!)}`).join('L')}Z`);
        xs.push(...simple.map(([lng]) => x(lng!)));
        ys.push(...simple.map(([, lat]) => y(lat!)));
      }
      return {
        code: province.code,
        nameEn: province.nameEn,
        path: parts.join(''),
        centre: [x(largest.x), y(largest.y)],
        centreLatLng: [Math.round(largest.y * 1e3) / 1e3, Math.round(largest.x * 1e3) / 1e3],
        box: [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)],
      };
    }),
  };
}

let outline: MapOutline | undefined;

/** Built on first use (a few milliseconds) and kept: it never changes. */
export function mapOutline(): MapOutline {
  outline ??= build();
  return outline;
}
