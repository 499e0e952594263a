/* Volunteer registrations by status: approve or reject the pending ones, revoke the active ones. */
/* global window */
import { api, hasRoute } from '../api.js';
import { field, h } from '../dom.js';
import { currentLanguage, formatDate, t } from '../i18n.js';
import { formatPhone } from '../phone.js';
import { notAvailable } from './unavailable.js';

const STATUSES = ['pending', 'active', 'rejected', 'revoked'];

/** "San Sai, Chiang Mai" in the console's language; a whole province is the province alone. */
function areaName(area) {
  const en = currentLanguage() === 'en';
  const province = en ? area.provinceEn : area.province;
  const district = en ? area.districtEn : area.district;
  return district ? `${district}, ${province}` : province;
}

function areasCell(volunteer) {
  const names = volunteer.areas.map(areaName);
  return h(
    'td',
    {},
    names.length
      ? h(
          'ul',
          { class: 'plain' },
          names.map((name) => h('li', {}, name)),
        )
      : '—',
    volunteer.unresolvedAreas.length
      ? h(
          'small',
          { class: 'hint' },
          t('volunteers.unresolved', { areas: volunteer.unresolvedAreas.join(', ') }),
        )
      : null,
  );
}

export async function render({ params, toast, errorText }) {
  if (!(await hasRoute('/api/volunteers'))) return notAvailable(t('volunteers.title'), t('nav.volunteers'));
  const status = STATUSES.includes(params[0]) ? params[0] : 'pending';
  const { items } = await api(`/api/volunteers?status=${status}`);
  const reload = () => window.dispatchEvent(new window.HashChangeEvent('hashchange'));

  const run = async (button, call, done) => {
    button.disabled = true;
    try {
      await call();
      toast(done);
      reload();
    } catch (error) {
      toast(errorText(error), 'bad');
      button.disabled = false;
    }
  };

  function actions(volunteer) {
    const post = (action, body) =>
      api(`/api/volunteers/${encodeURIComponent(volunteer.id)}/${action}`, { method: 'POST', body });
    if (volunteer.status === 'pending') {
      const reason = h('input', { type: 'text', maxlength: 1000, name: 'reason' });
      const approve = h(
        'button',
        {
          type: 'button',
          'aria-label': t('volunteers.approveName', { name: volunteer.name }),
          onclick: () =>
            run(approve, () => post('approve'), t('volunteers.approved', { name: volunteer.name })),
        },
        t('volunteers.approve'),
      );
      const reject = h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          'aria-label': t('volunteers.rejectName', { name: volunteer.name }),
          onclick: () => {
            const text = reason.value.trim();
            run(
              reject,
              () => post('reject', text ? { reason: text } : {}),
              t('volunteers.rejected', { name: volunteer.name }),
            );
          },
        },
        t('volunteers.reject'),
      );
      return [
        h('div', { class: 'actions' }, approve),
        field(t('volunteers.reasonFor', { name: volunteer.name }), reason, t('volunteers.reasonHint')),
        h('div', { class: 'actions' }, reject),
      ];
    }
    if (volunteer.status === 'active') {
      const revoke = h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          'aria-label': t('volunteers.revokeName', { name: volunteer.name }),
          onclick: () => {
            if (!window.confirm(t('volunteers.revokeConfirm', { name: volunteer.name }))) return;
            run(revoke, () => post('revoke'), t('volunteers.revoked', { name: volunteer.name }));
          },
        },
        t('volunteers.revoke'),
      );
      return h('div', { class: 'actions' }, revoke);
    }
    return volunteer.reason ? h('small', {}, t('volunteers.reason'), ': ', volunteer.reason) : null;
  }

  const decided = status === 'pending' ? null : status === 'revoked' ? 'endedAt' : 'decidedAt';
  const table = h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { 'data-testid': 'volunteers-table' },
      h('caption', { class: 'visually-hidden' }, t(`volunteers.tab.${status}`)),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['name', 'phone', 'organisation', 'areas', 'registered'].map((column) =>
            h('th', { scope: 'col' }, t(`volunteers.column.${column}`)),
          ),
          decided ? h('th', { scope: 'col' }, t(`volunteers.column.${decided}`)) : null,
          h('th', { scope: 'col' }, t('volunteers.column.actions')),
        ),
      ),
      h(
        'tbody',
        {},
        items.map((volunteer) =>
          h(
            'tr',
            { 'data-id': volunteer.id, 'data-status': volunteer.status },
            h('th', { scope: 'row' }, volunteer.name),
            h('td', {}, h('a', { href: `tel:${volunteer.phone}` }, formatPhone(volunteer.phone))),
            h('td', {}, volunteer.organisation ?? '—'),
            areasCell(volunteer),
            h('td', {}, formatDate(volunteer.registeredAt)),
            decided ? h('td', {}, formatDate(volunteer[decided])) : null,
            h('td', {}, actions(volunteer)),
          ),
        ),
      ),
    ),
  );

  return h(
    'section',
    { class: 'page' },
    h('h1', {}, t('volunteers.title')),
    h(
      'nav',
      { class: 'toolbar', 'aria-label': t('volunteers.tabs') },
      STATUSES.map((s) =>
        h(
          'a',
          {
            href: `#/volunteers/${s}`,
            class: s === status ? 'button' : 'button secondary',
            'aria-current': s === status ? 'page' : undefined,
          },
          t(`volunteers.tab.${s}`),
        ),
      ),
    ),
    items.length === 0
      ? h('p', { class: 'empty', role: 'status' }, t(`volunteers.none.${status}`))
      : [h('p', { role: 'status' }, t('volunteers.count', { n: items.length })), table],
  );
}
