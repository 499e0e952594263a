/* Pairs of cases flagged as possibly the same household: open, merge or dismiss. */
import { api } from '../api.js';
import { h } from '../dom.js';
import { formatNumber, label, t } from '../i18n.js';
import { state } from '../state.js';
import { statusBadge } from './filters.js';

export async function render({ toast, errorText }) {
  const { items } = await api('/api/duplicates');
  const act = async (what, call, row) => {
    try {
      await call();
      row.remove();
      toast(t(`case.done.${what}`));
    } catch (error) {
      toast(errorText(error), 'bad');
    }
  };
  const rows = items.map((pair) => {
    const row = h(
      'tr',
      {},
      h(
        'td',
        {},
        h('a', { href: `#/case/${pair.reference}` }, pair.reference),
        ' ',
        statusBadge(pair.status),
      ),
      h(
        'td',
        {},
        h('a', { href: `#/case/${pair.of}` }, pair.of),
        ' ',
        pair.ofStatus ? statusBadge(pair.ofStatus) : null,
      ),
      h('td', {}, pair.reasons.map((r) => label('dupReason', r)).join(', ')),
      h('td', {}, pair.distanceMeters === null ? '—' : `${formatNumber(Math.round(pair.distanceMeters))} m`),
    );
    const buttons = h('td', { class: 'actions' });
    if (state.can('cases.merge'))
      buttons.append(
        h(
          'button',
          {
            type: 'button',
            onclick: () =>
              act(
                'merged',
                () =>
                  api('/api/duplicates/merge', {
                    method: 'POST',
                    body: { from: pair.reference, into: pair.of },
                  }),
                row,
              ),
          },
          t('case.mergeInto', { reference: pair.of }),
        ),
      );
    if (state.can('cases.update'))
      buttons.append(
        h(
          'button',
          {
            type: 'button',
            class: 'secondary',
            onclick: () =>
              act(
                'dismissed',
                () =>
                  api('/api/duplicates/dismiss', {
                    method: 'POST',
                    body: { reference: pair.reference, of: pair.of },
                  }),
                row,
              ),
          },
          t('case.dismiss'),
        ),
      );
    row.append(buttons);
    return row;
  });
  return h(
    'section',
    { class: 'page' },
    h('h1', {}, t('duplicates.title')),
    items.length === 0
      ? h('p', { class: 'empty' }, t('duplicates.none'))
      : h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            {},
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ['case', 'of', 'reasons', 'distance', 'actions'].map((key) =>
                  h('th', { scope: 'col' }, t(`duplicates.${key}`)),
                ),
              ),
            ),
            h('tbody', {}, rows),
          ),
        ),
  );
}
