/* The case list: filters, search, sortable columns, pages by cursor, exports of the same filters. */
/* global document */
import { api, download } from '../api.js';
import { h, replace } from '../dom.js';
import { currentLanguage, formatDate, label, t } from '../i18n.js';
import { filterQuery, state } from '../state.js';
import { filterForm, priorityBadge, statusBadge } from './filters.js';

const PRIORITY_ORDER = { urgent: 4, high: 3, medium: 2, low: 1 };
const COLUMNS = [
  { key: 'reference', value: (c) => c.reference },
  { key: 'status', value: (c) => state.meta.statuses.indexOf(c.status) },
  { key: 'priority', value: (c) => PRIORITY_ORDER[c.priority.level] * 1000 + c.priority.score },
  { key: 'category', value: (c) => label('category', c.category) },
  { key: 'place', value: (c) => `${c.province.name || ''} ${c.province.district || ''}` },
  { key: 'name', value: (c) => (c.personal && c.personal.headName) || '' },
  { key: 'created', value: (c) => c.createdAt },
  { key: 'visit', value: (c) => c.visitDate || '' },
];

export async function render({ toast, errorText }) {
  let items = [];
  let nextCursor = null;
  let sort = { key: 'created', direction: -1 };
  const body = h('div', { class: 'table-wrap' });
  const count = h('p', { class: 'count', role: 'status' });
  const more = h(
    'button',
    { type: 'button', class: 'secondary', hidden: true, onclick: () => load(false) },
    t('cases.more'),
  );

  function row(c) {
    return h(
      'tr',
      { 'data-reference': c.reference },
      h('th', { scope: 'row' }, h('a', { href: `#/case/${encodeURIComponent(c.reference)}` }, c.reference)),
      h('td', {}, statusBadge(c.status)),
      h('td', {}, priorityBadge(c.priority)),
      h('td', {}, label('category', c.category)),
      h('td', {}, [c.province.district, c.province.name].filter(Boolean).join(', ') || '—'),
      h(
        'td',
        { class: c.masked ? 'masked' : '' },
        c.masked ? t('case.masked') : (c.personal && c.personal.headName) || '—',
      ),
      h('td', {}, formatDate(c.createdAt)),
      h('td', {}, c.visitDate ? formatDate(c.visitDate) : '—'),
      h(
        'td',
        {},
        c.duplicateFlags > 0
          ? h('span', { class: 'badge dup', title: t('case.duplicateFlag') }, '⚑ ' + c.duplicateFlags)
          : '',
      ),
    );
  }

  function header(column) {
    const active = sort.key === column.key;
    return h(
      'th',
      { scope: 'col', 'aria-sort': active ? (sort.direction > 0 ? 'ascending' : 'descending') : 'none' },
      h(
        'button',
        {
          type: 'button',
          class: 'sort',
          onclick: () => {
            sort = { key: column.key, direction: active ? -sort.direction : 1 };
            draw();
          },
        },
        t(`cases.columns.${column.key}`),
        h('span', { 'aria-hidden': 'true' }, active ? (sort.direction > 0 ? ' ▲' : ' ▼') : ''),
      ),
    );
  }

  function draw() {
    const column = COLUMNS.find((c) => c.key === sort.key);
    const sorted = [...items].sort((a, b) => {
      const x = column.value(a);
      const y = column.value(b);
      return (x < y ? -1 : x > y ? 1 : 0) * sort.direction;
    });
    count.textContent = t('cases.count', { n: items.length }) + (nextCursor ? ' +' : '');
    more.hidden = !nextCursor;
    replace(
      body,
      items.length === 0
        ? h('p', { class: 'empty' }, t('cases.none'))
        : h(
            'table',
            { class: 'cases', 'data-testid': 'cases-table' },
            h('caption', { class: 'visually-hidden' }, t('cases.title')),
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                COLUMNS.map(header),
                h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, t('case.duplicateFlag'))),
              ),
            ),
            h('tbody', {}, sorted.map(row)),
          ),
    );
  }

  async function load(fresh) {
    try {
      const query = filterQuery(state.filters, { limit: 100, cursor: fresh ? undefined : nextCursor });
      const page = await api(`/api/cases?${query}`);
      items = fresh ? page.items : [...items, ...page.items];
      nextCursor = page.nextCursor;
      draw();
    } catch (error) {
      replace(body, h('p', { class: 'error', role: 'alert' }, errorText(error)));
    }
  }

  const exportButton = (ext) =>
    h(
      'button',
      {
        type: 'button',
        class: 'secondary',
        'data-export': ext,
        onclick: async () => {
          try {
            const file = await download(
              `/api/cases/export.${ext}?${filterQuery(state.filters)}&lang=${currentLanguage()}`,
              document,
            );
            toast(t('exports.done', { name: file.name }));
          } catch (error) {
            toast(errorText(error), 'bad');
          }
        },
      },
      t(`exports.${ext}`),
    );

  await load(true);
  return h(
    'section',
    { class: 'page' },
    h('h1', {}, t('cases.title')),
    filterForm(() => load(true)),
    state.can('cases.export')
      ? h(
          'div',
          { class: 'toolbar', role: 'group', 'aria-label': t('exports.label') },
          h('span', {}, t('exports.label')),
          ['csv', 'xlsx', 'geojson'].map(exportButton),
          h('a', { href: '#/map', class: 'button secondary' }, t('nav.map')),
        )
      : null,
    count,
    body,
    more,
  );
}
