/* Admin: staff accounts, roles, provinces, activation, password resets, signing members out. */
/* global window */
import { api } from '../api.js';
import { field, h, select } from '../dom.js';
import { formatDate, label, t } from '../i18n.js';
import { provinceCodesOf, provinceNames } from '../places.js';
import { state } from '../state.js';

/** The roles whose work is limited to provinces (the API's ROLES_WITH_PROVINCES). */
const PROVINCE_ROLES = ['caseworker', 'coordinator'];

/** A provinces field: names or codes; marked invalid, naming what is not a province. */
function provincesField(attrs, codes = []) {
  const input = h('input', { type: 'text', value: provinceNames(codes), size: 18, ...attrs });
  input.addEventListener('input', () => {
    const { unknown } = provinceCodesOf(input.value);
    input.setCustomValidity(unknown.length ? t('staff.unknownProvinces', { names: unknown.join(', ') }) : '');
  });
  input.codes = () => provinceCodesOf(input.value).codes;
  return input;
}

export async function render({ toast, errorText }) {
  const { items } = await api('/api/staff');
  const roles = state.meta.roles.map((r) => [r, label('roles', r)]);
  const reload = () => window.dispatchEvent(new window.HashChangeEvent('hashchange'));
  const run = async (call, done) => {
    try {
      await call();
      toast(done);
      reload();
    } catch (error) {
      toast(errorText(error), 'bad');
    }
  };

  const rows = items.map((member) => {
    const role = select('role', roles, member.role, {
      'aria-label': t('staff.roleOf', { name: member.name }),
    });
    const provinces = provincesField(
      { 'aria-label': t('staff.provincesOf', { name: member.name }) },
      member.provinces,
    );
    const active = h('input', {
      type: 'checkbox',
      checked: member.active,
      'aria-label': t('staff.activeOf', { name: member.name }),
    });
    return h(
      'tr',
      { 'data-email': member.email },
      h('th', { scope: 'row' }, member.name, h('br'), h('small', {}, member.email)),
      h('td', {}, role),
      h('td', {}, provinces),
      h('td', {}, active),
      h('td', {}, formatDate(member.createdAt, false)),
      h(
        'td',
        { class: 'actions' },
        h(
          'button',
          {
            type: 'button',
            onclick: () =>
              provinces.reportValidity() &&
              run(
                () =>
                  api(`/api/staff/${member.id}`, {
                    method: 'PATCH',
                    body: {
                      role: role.value,
                      active: active.checked,
                      provinces: PROVINCE_ROLES.includes(role.value) ? provinces.codes() : [],
                    },
                  }),
                t('staff.saved'),
              ),
          },
          t('app.save'),
        ),
        h(
          'button',
          {
            type: 'button',
            class: 'secondary',
            onclick: () =>
              run(
                () => api(`/api/staff/${member.id}/revoke-sessions`, { method: 'POST' }),
                t('staff.signedOut'),
              ),
          },
          t('staff.signOutEverywhere'),
        ),
      ),
    );
  });

  const email = h('input', { type: 'email', name: 'email', required: true, autocomplete: 'off' });
  const name = h('input', { type: 'text', name: 'name', required: true, maxlength: 120 });
  const role = select('role', roles, 'caseworker');
  const provinces = provincesField({ name: 'provinces', placeholder: t('staff.provincesExample') });
  const password = h('input', {
    type: 'password',
    name: 'password',
    required: true,
    minlength: 12,
    autocomplete: 'new-password',
  });
  const create = h(
    'form',
    {
      class: 'card',
      onsubmit: (event) => {
        event.preventDefault();
        run(
          () =>
            api('/api/staff', {
              method: 'POST',
              body: {
                email: email.value,
                name: name.value,
                role: role.value,
                provinces: PROVINCE_ROLES.includes(role.value) ? provinces.codes() : [],
                password: password.value,
              },
            }),
          t('staff.created'),
        );
      },
    },
    h('h2', {}, t('staff.add')),
    h(
      'div',
      { class: 'grid' },
      field(t('staff.email'), email),
      field(t('staff.name'), name),
      field(t('staff.role'), role),
      field(t('staff.provinces'), provinces, t('staff.provincesHint')),
      field(t('staff.password'), password, t('staff.passwordHint')),
    ),
    h('button', { type: 'submit' }, t('staff.create')),
  );

  return h(
    'section',
    { class: 'page' },
    h('h1', {}, t('staff.title')),
    h(
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
            ['member', 'role', 'provinces', 'active', 'since', 'actions'].map((k) =>
              h('th', { scope: 'col' }, t(`staff.columns.${k}`)),
            ),
          ),
        ),
        h('tbody', {}, rows),
      ),
    ),
    create,
  );
}
