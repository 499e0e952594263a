/* All cases matching the filters as pins coloured by status or priority; a list beside it without tiles. */
/* global window */
import { api } from '../api.js';
import { pointsMap } from '../map-points.js';
import { h, replace, select, field } from '../dom.js';
import { label, t } from '../i18n.js';
import { filterQuery, state } from '../state.js';
import { filterForm, statusBadge } from './filters.js';

const STATUS_COLOURS = {
  new: '#c92a2a',
  reviewing: '#e67700',
  visit_scheduled: '#5f3dc4',
  assessed: '#1864ab',
  approved: '#087f5b',
  in_progress: '#0b7285',
  completed: '#2b8a3e',
  declined: '#495057',
  duplicate: '#868e96',
  withdrawn: '#868e96',
};
const PRIORITY_COLOURS = { urgent: '#c92a2a', high: '#e67700', medium: '#1864ab', low: '#2b8a3e' };

export async function render({ errorText }) {
  const colourBy = select(
    'colourBy',
    [
      ['status', t('map.byStatus')],
      ['priority', t('map.byPriority')],
    ],
    'status',
  );
  const box = h('div', { class: 'map large', role: 'region', 'aria-label': t('map.title') });
  const legend = h('ul', { class: 'legend', 'aria-label': t('map.legend') });
  const summary = h('p', { role: 'status' });
  const list = h('details', { class: 'card' }, h('summary', {}, t('map.list')));
  const points = pointsMap(box);
  let items = [];

  async function load() {
    try {
      const collection = await api(`/api/cases/export.geojson?${filterQuery(state.filters)}`);
      items = collection.features.map((feature) => ({
        ...feature.properties,
        point: [feature.geometry.coordinates[1], feature.geometry.coordinates[0]],
      }));
      draw();
    } catch (error) {
      summary.textContent = errorText(error);
    }
  }

  const colourOf = (c) =>
    colourBy.value === 'status' ? STATUS_COLOURS[c.status] : PRIORITY_COLOURS[c.priority];
  const placeOf = (c) => [c.district, c.province].filter(Boolean).join(', ');

  function draw() {
    summary.textContent = t('map.summary', { shown: items.length });
    const groups = colourBy.value === 'status' ? STATUS_COLOURS : PRIORITY_COLOURS;
    replace(
      legend,
      Object.entries(groups).map(([key, colour]) =>
        h(
          'li',
          {},
          h('span', { class: 'swatch', style: `background:${colour}` }),
          label(colourBy.value, key),
        ),
      ),
    );
    replace(
      list,
      h('summary', {}, t('map.list')),
      h(
        'ul',
        { class: 'plain' },
        items.map((c) =>
          h(
            'li',
            {},
            h('a', { href: `#/case/${c.reference}` }, c.reference),
            ' ',
            statusBadge(c.status),
            ' ',
            placeOf(c),
          ),
        ),
      ),
    );
    points.draw(
      items.map((c) => ({
        point: c.point,
        colour: colourOf(c),
        popup: h(
          'div',
          {},
          h('a', { href: `#/case/${c.reference}` }, c.reference),
          h('br'),
          `${label('status', c.status)} · ${label('priority', c.priority)}`,
          h('br'),
          placeOf(c),
        ),
      })),
    );
  }

  colourBy.addEventListener('change', draw);
  window.setTimeout(load, 0);
  return h(
    'section',
    { class: 'page' },
    h('h1', {}, t('map.title')),
    filterForm(load),
    h('div', { class: 'toolbar' }, field(t('map.colourBy'), colourBy)),
    summary,
    state.can('cases.readPersonal') ? null : h('p', { class: 'hint' }, t('map.roughHint')),
    box,
    legend,
    list,
  );
}
