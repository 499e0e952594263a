/* Admin: the audit log, newest first, with filters and further pages. */
/* global URLSearchParams */
import { api } from '../api.js';
import { field, h, replace } from '../dom.js';
import { formatDate, t } from '../i18n.js';

export async function render({ errorText }) {
  const action = h('input', { type: 'text', name: 'action', placeholder: 'auth.login', maxlength: 64 });
  const targetId = h('input', { type: 'text', name: 'targetId', maxlength: 64 });
  const body = h('tbody');
  const more = h('button', { type: 'button', class: 'secondary', hidden: true }, t('cases.more'));
  let cursor = null;

  const row = (entry) =>
    h(
      'tr',
      {},
      h('td', {}, h('time', { datetime: entry.at }, formatDate(entry.at))),
      h('td', {}, entry.action),
      h('td', {}, entry.actor.id ? `${entry.actor.kind} ${entry.actor.id}` : entry.actor.kind),
      h('td', {}, entry.target ? `${entry.target.type} ${entry.target.id}` : '—'),
      h('td', {}, entry.ip || '—'),
      h('td', {}, h('code', { class: 'details' }, JSON.stringify(entry.details))),
    );

  async function load(fresh) {
    const params = new URLSearchParams({ limit: '50' });
    if (action.value.trim()) params.set('action', action.value.trim());
    if (targetId.value.trim()) params.set('targetId', targetId.value.trim());
    if (!fresh && cursor) params.set('cursor', cursor);
    try {
      const page = await api(`/api/audit?${params}`);
      if (fresh) replace(body);
      body.append(...page.items.map(row));
      cursor = page.nextCursor;
      more.hidden = !cursor;
    } catch (error) {
      replace(body, h('tr', {}, h('td', { colspan: 6, class: 'error' }, errorText(error))));
    }
  }
  more.addEventListener('click', () => load(false));
  await load(true);
  return h(
    'section',
    { class: 'page' },
    h('h1', {}, t('audit.title')),
    h(
      'form',
      {
        class: 'filters',
        onsubmit: (event) => {
          event.preventDefault();
          load(true);
        },
      },
      field(t('audit.action'), action),
      field(t('audit.target'), targetId),
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('filters.apply'))),
    ),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'audit' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['at', 'action', 'actor', 'target', 'ip', 'details'].map((k) =>
              h('th', { scope: 'col' }, t(`audit.columns.${k}`)),
            ),
          ),
        ),
        body,
      ),
    ),
    more,
  );
}
