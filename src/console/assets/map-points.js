/*
 * Points on an OpenStreetMap map, drawn as the case map draws them: Leaflet (from node_modules, loaded by
 * index.html) with a circle per point and its popup. Pages keep a list beside it, for when tiles do not load.
 */
/* global window, L */

const THAILAND = [13.5, 101];

/**
 * A map in `box`; `draw(points)` replaces its points, each { point: [lat, lng], colour, popup, className }
 * and fits the view to them. Without Leaflet (blocked, or still loading) it draws nothing.
 */
export function pointsMap(box) {
  let map;
  let layer;
  return {
    draw(points) {
      if (!window.L) return;
      if (!map) {
        map = L.map(box).setView(THAILAND, 6);
        L.tileLayer('https://tile.openstreetmap.org/{z}/{x}/{y}.png', {
          maxZoom: 19,
          attribution: '© OpenStreetMap',
        }).addTo(map);
      }
      if (layer) layer.remove();
      layer = L.layerGroup(
        points.map((p) =>
          L.circleMarker(p.point, {
            radius: 8,
            color: '#212529',
            weight: 1,
            fillColor: p.colour,
            fillOpacity: 0.9,
            className: p.className,
          }).bindPopup(p.popup),
        ),
      ).addTo(map);
      if (points.length > 0)
        map.fitBounds(
          points.map((p) => p.point),
          { maxZoom: 13, padding: [20, 20] },
        );
    },
  };
}
