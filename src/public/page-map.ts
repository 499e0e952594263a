import { DISTRICT_CENTRE_CREDIT } from '../geo/district-centres';
import { escapeHtml } from './html';
import { publicCentres } from './map-centres';
import { mapOutline } from './map-outline';
import { mapPoints, type MapPoint } from './map-points';
import type { Figure, ProvinceFigures, PublicFigures } from './schemas';

/**
 * The public page's map, as inline SVG with no script: provinces shaded by needs reported, and
 * circles with the number of needs, sized by it, at district centres (the district's seat town) or,
 * for the districts not shown one by one, at the province's centre. Two views, chosen by two radio
 * buttons and CSS alone: counts by district (the default) and counts by province.
 */

export type MapWords = {
  figures: PublicFigures;
  threshold: number;
  /** Escaped text of a key of public.json. */
  text(key: string, options?: Record<string, unknown>): string;
  number(n: number): string;
  /** Escaped name of a place in the page's language. */
  name(place: { nameTh: string | null; nameEn: string | null }, unknownKey: string): string;
  /** A figure as escaped text without markup ("12", "fewer than 5"...). */
  figureText(figure: Figure): string;
};

/** Radius in screen units: the area grows with the count; never too small for its number. */
function radius(needs: number, max: number, label: string): number {
  return Math.max(4 + 10 * Math.sqrt(needs / max), label.length * 2.6 + 3);
}

type Box = { x: number; y: number; width: number; height: number };

const MIN_FOCUS_WIDTH = 150;
const PADDING = 28;

/**
 * The part of the map the district view shows: around the circles, no narrower than a region of a
 * few provinces, and never beyond the country. Circles, numbers and lines keep their size on screen.
 */
export function focusBox(points: [x: number, y: number][], width: number, height: number): Box {
  if (points.length === 0) return { x: 0, y: 0, width, height };
  const xs = points.map(([x]) => x);
  const ys = points.map(([, y]) => y);
  const w = Math.min(width, Math.max(MIN_FOCUS_WIDTH, Math.max(...xs) - Math.min(...xs) + 2 * PADDING));
  const h = Math.min(height, Math.max(w * 0.8, Math.max(...ys) - Math.min(...ys) + 2 * PADDING));
  const clamp = (start: number, size: number, limit: number) => Math.max(0, Math.min(limit - size, start));
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    x: round(clamp((Math.min(...xs) + Math.max(...xs) - w) / 2, w, width)),
    y: round(clamp((Math.min(...ys) + Math.max(...ys) - h) / 2, h, height)),
    width: round(w),
    height: round(h),
  };
}

/** `grow`: circles larger than on the country map, for a small zoomed map. */
type View = { box: Box; attributes: string; max: number; grow?: number };

function districtView(w: MapWords, points: MapPoint[], shapes: (box: Box) => string, view: View): string {
  const outline = mapOutline();
  const { box, max } = view;
  const placed = points.map((point) => ({ point, at: outline.project(point.lat, point.lng) }));
  const scale = (box.width / outline.width) * (view.grow ?? 1);
  const size = (n: number) => Math.round(n * scale * 100) / 100;
  const circles = placed
    .map(({ point, at: [x, y] }) => {
      const label = w.number(point.needs);
      const circle = `<circle cx="${x}" cy="${y}" r="${size(radius(point.needs, max, label))}"/><text x="${x}" y="${y}" dy="0.35em">${escapeHtml(label)}</text>`;
      if (point.kind === 'district') {
        return `<g class="point district" data-district="${point.districtCode}"><title>${w.name(point, 'areas.unknownDistrict')}: ${escapeHtml(label)}</title>${circle}</g>`;
      }
      const parts = [
        ...(point.otherDistricts > 0
          ? [`${w.text('areas.otherDistricts')}: ${escapeHtml(w.number(point.otherDistricts))}`]
          : []),
        ...point.unplaced.map(
          (d) =>
            `${w.name(d, 'areas.unknownDistrict')} (${w.text('map.unplaced')}): ${escapeHtml(w.number(d.needs))}`,
        ),
      ];
      return `<g class="point rest" data-province-rest="${point.provinceCode}"><title>${w.name(point, 'areas.unknownProvince')}: ${parts.join('; ')}</title>${circle}</g>`;
    })
    .join('');
  return `<svg ${view.attributes} viewBox="${box.x} ${box.y} ${box.width} ${box.height}" role="img">${shapes(box)}<g class="layer" font-size="${size(8)}">${circles}</g></svg>`;
}

function provinceLayer(w: MapWords, byCode: Map<string, ProvinceFigures>): string {
  return mapOutline()
    .provinces.flatMap((shape) => {
      const p = byCode.get(shape.code);
      if (!p || p.needs.value === 0) return [];
      const label = p.needs.value === null ? `<${w.threshold}` : w.number(p.needs.value);
      const [x, y] = shape.centre;
      return [
        `<g class="count" data-province="${shape.code}"><circle cx="${x}" cy="${y}" r="${label.length > 2 ? 11 : 9}"/><text x="${x}" y="${y}" dy="0.35em">${escapeHtml(label)}</text></g>`,
      ];
    })
    .join('');
}

function mapParts(w: MapWords) {
  const outline = mapOutline();
  const provinces = w.figures.provinces;
  const byCode = new Map(provinces.filter((p) => p.code).map((p) => [p.code!, p]));
  const max = Math.max(1, ...provinces.map((p) => p.needs.value ?? 0));
  const fill = (p: ProvinceFigures | undefined) => {
    if (!p || p.needs.value === 0) return 'none';
    if (p.needs.value === null) return 'hidden';
    return `level${Math.min(4, Math.ceil((p.needs.value / max) * 4))}`;
  };
  /** The provinces, shaded, that show in a part of the map (or only one: the page stays light). */
  const shapes = (box: Box, only?: string) =>
    outline.provinces
      .filter(
        ({ code, box: [x0, y0, x1, y1] }) =>
          (only === undefined || code === only) &&
          x1 >= box.x &&
          x0 <= box.x + box.width &&
          y1 >= box.y &&
          y0 <= box.y + box.height,
      )
      .map((shape) => {
        const p = byCode.get(shape.code);
        const title = p ? `${w.name(p, 'areas.unknownProvince')}: ${w.figureText(p.needs)}` : shape.nameEn;
        return `<path class="${fill(p)}" d="${shape.path}"><title>${title}</title></path>`;
      })
      .join('');
  const points = mapPoints(w.figures, publicCentres());
  return { outline, byCode, max, shapes, points, pointMax: Math.max(1, ...points.map((p) => p.needs)) };
}

export function renderMap(w: MapWords): string {
  const { outline, byCode, max, shapes, points, pointMax } = mapParts(w);
  const focus = focusBox(
    points.map((point) => outline.project(point.lat, point.lng)),
    outline.width,
    outline.height,
  );
  const districts = districtView(w, points, shapes, {
    box: focus,
    max: pointMax,
    attributes: 'class="districts" aria-labelledby="map-caption-districts"',
  });
  const whole = { x: 0, y: 0, width: outline.width, height: outline.height };
  const shading = `<span class="legend"><i class="none"></i>${w.text('map.none')} <i class="hidden"></i>${w.text('map.small', { threshold: w.threshold })} <i class="level1"></i>… <i class="level4"></i>${escapeHtml(w.number(max))}</span>`;
  return `<section aria-labelledby="map-title" class="map-section"><h2 id="map-title">${w.text('map.title')}</h2>
<input type="radio" name="map-view" id="map-view-districts" class="map-view" checked><label for="map-view-districts" class="map-view">${w.text('map.byDistrict')}</label><input type="radio" name="map-view" id="map-view-provinces" class="map-view"><label for="map-view-provinces" class="map-view">${w.text('map.byProvince')}</label>
<figure class="map">${districts}<svg class="provinces" viewBox="0 0 ${outline.width} ${outline.height}" role="img" aria-labelledby="map-caption-provinces">${shapes(whole)}<g class="layer">${provinceLayer(w, byCode)}</g></svg>
<figcaption><span class="caption districts" id="map-caption-districts">${w.text('map.districtCaption')}</span><span class="caption provinces" id="map-caption-provinces">${w.text('map.caption')}</span>
<span class="legend districts"><i class="dot district"></i>${w.text('map.districtDot')} <i class="dot rest"></i>${w.text('map.restDot', { threshold: w.threshold })}</span>${shading}
<span class="credit">${w.text('map.credit', { credit: DISTRICT_CENTRE_CREDIT })}</span></figcaption></figure></section>`;
}

/**
 * One province's districts, zoomed on the province, for its details under the table: where the
 * country map's circles crowd, these stand apart. Same points as the country map; only the province's
 * own outline, so each costs the page a kilobyte or two.
 */
export function renderProvinceMap(w: MapWords, provinceCode: string, label: string): string {
  const { outline, shapes, points, pointMax } = mapParts(w);
  const shape = outline.provinces.find((p) => p.code === provinceCode);
  const own = points.filter((p) => p.provinceCode === provinceCode);
  if (!shape || own.length === 0) return '';
  const [x0, y0, x1, y1] = shape.box;
  const side = Math.max(x1 - x0, y1 - y0, 40) + 16;
  const box = {
    x: Math.round(((x0 + x1 - side) / 2) * 10) / 10,
    y: Math.round(((y0 + y1 - side) / 2) * 10) / 10,
    width: side,
    height: side,
  };
  const svg = districtView(w, own, (at) => shapes(at, provinceCode), {
    box,
    max: pointMax,
    grow: 1.5,
    attributes: `class="province-map" aria-label="${label}" data-province-map="${provinceCode}"`,
  });
  return `<figure class="map province">${svg}</figure>`;
}
