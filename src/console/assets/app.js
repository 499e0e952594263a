/* The console shell: sign-in, the navigation each role may see, and a hash router over the pages. */
/* global document, window, fetch */
import { api, ApiError, session, whenSignedOut } from './api.js';
import { h, field, replace } from './dom.js';
import { currentLanguage, label, loadLanguage, savedLanguage, t } from './i18n.js';
import { state } from './state.js';

const PAGES = [
  { path: 'cases', permission: 'cases.read', load: () => import('./pages/cases.js') },
  { path: 'map', permission: 'cases.read', load: () => import('./pages/map.js') },
  { path: 'duplicates', permission: 'cases.read', load: () => import('./pages/duplicates.js') },
  { path: 'handoffs', permission: 'handoffs.manage', load: () => import('./pages/handoffs.js') },
  { path: 'broadcasts', permission: 'broadcasts.send', load: () => import('./pages/broadcasts.js') },
  { path: 'campaigns', permission: 'campaigns.read', load: () => import('./pages/campaigns.js') },
  { path: 'volunteers', permission: 'volunteers.manage', load: () => import('./pages/volunteers.js') },
  { path: 'dashboard', permission: 'dashboard.read', load: () => import('./pages/dashboard.js') },
  { path: 'staff', permission: 'staff.manage', load: () => import('./pages/staff.js') },
  { path: 'audit', permission: 'audit.read', load: () => import('./pages/audit.js') },
  // Every staff member has notifications of their own: no permission needed.
  { path: 'notifications', load: () => import('./pages/notifications.js') },
];
const CASE_PAGE = { load: () => import('./pages/case.js') };

const top = document.getElementById('top');
const main = document.getElementById('main');
const toastEl = document.getElementById('toast');
const allowed = (page) => !page.permission || state.can(page.permission);

/** The nav badge with my unread notifications; hidden at zero, announced with its meaning. */
const unreadBadge = h('span', { class: 'badge unread', 'data-testid': 'unread-badge', hidden: true });
export function showUnread(count) {
  unreadBadge.hidden = !count;
  replace(unreadBadge, String(count), h('span', { class: 'visually-hidden' }, ` ${t('nav.unread')}`));
}
async function refreshUnread() {
  try {
    showUnread((await api('/api/notifications?unread=true&limit=1')).unread);
  } catch {
    // the badge is a hint: the notifications page reports failures itself
  }
}

export function toast(message, kind = 'ok') {
  toastEl.textContent = message;
  toastEl.className = `toast show ${kind}`;
  window.clearTimeout(toast.timer);
  toast.timer = window.setTimeout(() => (toastEl.className = 'toast'), 6000);
}

/** A clear message for a failed call; `not available` when the API has no such route yet. */
export function errorText(error) {
  if (error instanceof ApiError) {
    if (error.status === 403) return t('errors.forbidden');
    if (error.status === 404 && error.code === 'not_found') return t('errors.notAvailable');
    // The API's own message is English for integrators; staff read the code's text in their language.
    const final =
      error.code === 'illegal_transition' && error.details && !(error.details.allowed || []).length;
    const key = `errors.code.${final ? 'final_status' : error.code}`;
    const text = t(key, errorVars(error.details));
    if (text !== key) return text;
    return `${t('errors.failed')}: ${error.message}`;
  }
  return `${t('errors.failed')}: ${error && error.message ? error.message : error}`;
}

/** What an error's text may name: statuses in words, and the fields a request got wrong. */
function errorVars(details) {
  const vars = {};
  for (const [name, value] of Object.entries(details || {})) {
    if (typeof value === 'number') vars[name] = value;
    if (typeof value === 'string')
      vars[name] = ['from', 'to'].includes(name) ? label('status', value) : value;
  }
  if (details && details.quota) vars.available = details.quota.availableForBroadcasts;
  if (details && Array.isArray(details.allowed))
    vars.allowed = details.allowed.map((status) => label('status', status)).join(', ') || '—';
  if (details && Array.isArray(details.problems))
    vars.fields =
      [...new Set(details.problems.map((p) => fieldName(p.path)).filter(Boolean))].join(', ') || '—';
  return vars;
}

/** A request field as the forms label it, when they do. */
function fieldName(path) {
  // "provinces.0" is the provinces field.
  const field = path
    .split('.')
    .filter((part) => !/^\d+$/.test(part))
    .join('.');
  if (!field) return '';
  const key = `errors.fields.${field}`;
  const text = t(key);
  return text === key ? field : text;
}

function languageSwitch() {
  const other = currentLanguage() === 'th' ? 'en' : 'th';
  return h(
    'button',
    {
      type: 'button',
      class: 'link lang',
      lang: other,
      'data-testid': 'language-switch',
      onclick: async () => {
        await loadLanguage(other);
        render();
      },
    },
    other === 'th' ? 'ไทย' : 'English',
  );
}

function renderTop() {
  const me = state.me;
  const current = (window.location.hash.replace(/^#\/?/, '').split(/[/?]/)[0] || 'cases').replace(
    /^case$/,
    'cases',
  );
  const nav = me
    ? h(
        'nav',
        { 'aria-label': t('nav.label'), class: 'nav' },
        h(
          'ul',
          {},
          PAGES.filter(allowed).map((page) =>
            h(
              'li',
              {},
              h(
                'a',
                { href: `#/${page.path}`, 'aria-current': page.path === current ? 'page' : undefined },
                t(`nav.${page.path}`),
                page.path === 'notifications' ? [' ', unreadBadge] : null,
              ),
            ),
          ),
        ),
      )
    : null;
  replace(
    top,
    h('div', { class: 'brand' }, h('strong', {}, 'NeedLine'), ' ', h('span', {}, t('app.title'))),
    nav,
    h(
      'div',
      { class: 'who' },
      languageSwitch(),
      me
        ? [
            h(
              'span',
              { class: 'me', 'data-testid': 'whoami' },
              `${me.staff.name} · ${t(`roles.${me.staff.role}`)}`,
            ),
            h('button', { type: 'button', class: 'secondary', onclick: signOut }, t('auth.signOut')),
          ]
        : null,
    ),
  );
}

function signInPage() {
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'username', required: true });
  const password = h('input', {
    type: 'password',
    name: 'password',
    autocomplete: 'current-password',
    required: true,
  });
  const message = h('p', { class: 'error', role: 'alert' });
  const form = h(
    'form',
    {
      class: 'card signin',
      onsubmit: async (event) => {
        event.preventDefault();
        message.textContent = '';
        try {
          const result = await api('/api/auth/login', {
            method: 'POST',
            body: { email: email.value, password: password.value },
          });
          session.set({ token: result.token, expiresAt: result.expiresAt });
          await loadMe();
          if (!window.location.hash || window.location.hash === '#/signin') window.location.hash = '#/cases';
          render();
        } catch (error) {
          message.textContent =
            error instanceof ApiError && error.status === 401
              ? t('auth.wrong')
              : error instanceof ApiError && error.status === 429
                ? t('auth.locked')
                : errorText(error);
        }
      },
    },
    h('h1', {}, t('auth.title')),
    field(t('auth.email'), email),
    field(t('auth.password'), password),
    message,
    h('button', { type: 'submit' }, t('auth.signIn')),
  );
  replace(main, form);
  email.focus();
}

async function signOut() {
  try {
    await api('/api/auth/logout', { method: 'POST' });
  } catch {
    // the token may already be gone; signing out locally is what matters
  }
  session.set(null);
  state.me = null;
  window.location.hash = '';
  render();
}

async function loadMe() {
  state.me = session.get() ? await api('/api/auth/me').catch(() => null) : null;
}

let renderCount = 0;
async function render() {
  const mine = ++renderCount;
  renderTop();
  if (!state.me) {
    signInPage();
    return;
  }
  const [first, ...rest] = window.location.hash.replace(/^#\/?/, '').split('?')[0].split('/');
  const page = first === 'case' ? CASE_PAGE : PAGES.find((p) => p.path === first && allowed(p));
  if (!page) {
    window.location.hash = '#/cases';
    return;
  }
  refreshUnread();
  replace(main, h('p', { class: 'loading', role: 'status' }, t('app.loading')));
  try {
    const module = await page.load();
    if (mine !== renderCount) return;
    const content = await module.render({
      params: rest.map(decodeURIComponent),
      toast,
      errorText,
      showUnread,
    });
    if (mine !== renderCount) return;
    replace(main, content);
    const heading = main.querySelector('h1');
    if (heading) document.title = `${heading.textContent} · NeedLine`;
  } catch (error) {
    if (mine === renderCount) replace(main, h('p', { class: 'error', role: 'alert' }, errorText(error)));
  }
}

async function start() {
  state.meta = await (await fetch('/console/meta.json')).json();
  await loadLanguage(savedLanguage());
  whenSignedOut(() => {
    state.me = null;
    render();
  });
  await loadMe();
  window.addEventListener('hashchange', render);
  await render();
}

start();
