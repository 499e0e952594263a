/* Broadcasts: compose per language, choose the audience, see its size, cost and the month's quota, send or schedule, watch, cancel. */
/* global window, document */
import { api, hasRoute } from '../api.js';
import { field, h, replace, select } from '../dom.js';
import { formatDate, formatNumber, label, t } from '../i18n.js';
import { districtOptions, provinceOptions } from '../places.js';
import { state } from '../state.js';
import { notAvailable } from './unavailable.js';

const AUDIENCES = ['all', 'open_cases', 'area', 'cases', 'volunteers'];
const UNFINISHED = ['scheduled', 'preparing', 'sending', 'waiting_quota'];
const REFRESH_MS = 3000;

const languageName = (code) => {
  const key = `broadcasts.languageNames.${code}`;
  const name = t(key);
  return name === key ? code : name;
};

export async function render({ toast, errorText }) {
  if (!(await hasRoute('/api/broadcasts', 'post')))
    return notAvailable(t('broadcasts.title'), t('nav.broadcasts'));

  const texts = Object.fromEntries(
    ['th', 'en', 'hmn'].map((language) => [
      language,
      h('textarea', {
        name: `text-${language}`,
        rows: 4,
        maxlength: 5000,
        lang: language,
        required: language === 'th',
      }),
    ]),
  );
  const type = select(
    'audience',
    AUDIENCES.map((a) => [a, t(`broadcasts.audience.${a}`)]),
    'open_cases',
    { 'data-testid': 'audience-type' },
  );
  const anyPlace = ['', t('filters.any')];
  const province = select('provinceCode', [['', t('broadcasts.chooseProvince')], ...provinceOptions()], '');
  const district = select('districtCode', [anyPlace], '');
  // The districts offered are the chosen province's.
  province.addEventListener('change', () =>
    replace(
      district,
      [anyPlace, ...districtOptions(province.value)].map(([value, name]) => h('option', { value }, name)),
    ),
  );
  const statuses = select(
    'statuses',
    state.meta.statuses.map((s) => [s, label('status', s)]),
    null,
    { multiple: true, size: 4 },
  );
  const categories = select(
    'categories',
    state.meta.categories.map((c) => [c, label('category', c)]),
    null,
    { multiple: true, size: 4 },
  );
  const when = h('input', { type: 'datetime-local', name: 'scheduledAt' });
  const override = h('input', { type: 'checkbox', name: 'overrideQuota' });
  const estimateBox = h('div', { class: 'estimate', 'aria-live': 'polite', 'data-testid': 'estimate' });
  const list = h('div', { class: 'table-wrap' });
  const filterFields = {
    area: [
      field(t('broadcasts.province'), province, t('broadcasts.provinceHint')),
      field(t('broadcasts.district'), district),
    ],
    cases: [field(t('broadcasts.statuses'), statuses), field(t('broadcasts.categories'), categories)],
  };
  const areaBox = h('div', { class: 'grid' }, filterFields.area);
  const casesBox = h('div', { class: 'grid' }, filterFields.cases);
  const showFilters = () => {
    areaBox.hidden = type.value === 'all';
    casesBox.hidden = type.value !== 'cases';
    province.required = type.value === 'area';
  };
  type.addEventListener('change', showFilters);
  showFilters();

  const chosen = (el) => [...el.selectedOptions].map((o) => o.value);
  function body(dryRun) {
    const audience = { type: type.value };
    if (type.value !== 'all') {
      if (province.value.trim()) audience.provinceCode = province.value.trim();
      if (district.value.trim()) audience.districtCode = district.value.trim();
    }
    if (type.value === 'cases') {
      if (chosen(statuses).length) audience.statuses = chosen(statuses);
      if (chosen(categories).length) audience.categories = chosen(categories);
    }
    const messages = {};
    for (const [language, el] of Object.entries(texts))
      if (el.value.trim()) messages[language] = el.value.trim();
    return {
      audience,
      messages,
      ...(when.value ? { scheduledAt: new Date(`${when.value}:00+07:00`).toISOString() } : {}),
      ...(override.checked ? { overrideQuota: true } : {}),
      dryRun,
    };
  }

  function showEstimate(estimate) {
    const quota = estimate.quota;
    replace(
      estimateBox,
      h(
        'dl',
        { class: 'facts card' },
        h('dt', {}, t('broadcasts.recipients')),
        h('dd', { 'data-testid': 'audience-size' }, formatNumber(estimate.audience.total)),
        h('dt', {}, t('broadcasts.byLanguage')),
        h(
          'dd',
          {},
          Object.entries(estimate.audience.byLanguage)
            .map(([l, n]) => `${languageName(l)}: ${formatNumber(n)}`)
            .join(' · '),
        ),
        h('dt', {}, t('broadcasts.cost')),
        h('dd', {}, t('broadcasts.messages', { n: formatNumber(estimate.messages) })),
        h('dt', {}, t('broadcasts.used')),
        h(
          'dd',
          {},
          quota.monthlyQuota === null
            ? t('broadcasts.unlimited', { used: formatNumber(quota.usedThisMonth) })
            : t('broadcasts.usedOf', {
                used: formatNumber(quota.usedThisMonth),
                quota: formatNumber(quota.monthlyQuota),
              }),
        ),
        h('dt', {}, t('broadcasts.left')),
        h('dd', {}, quota.availableForBroadcasts === null ? '—' : formatNumber(quota.availableForBroadcasts)),
        h('dt', {}, t('broadcasts.fits')),
        h(
          'dd',
          { class: quota.fits ? '' : 'error' },
          quota.fits ? t('broadcasts.fitsYes') : t('broadcasts.fitsNo'),
        ),
      ),
    );
  }

  const form = h(
    'form',
    {
      class: 'card',
      'data-testid': 'broadcast-form',
      onsubmit: async (event) => {
        event.preventDefault();
        const scheduled = Boolean(when.value);
        if (!window.confirm(scheduled ? t('broadcasts.confirmSchedule') : t('broadcasts.confirmSend')))
          return;
        try {
          const result = await api('/api/broadcasts', { method: 'POST', body: body(false) });
          showEstimate(result.estimate);
          toast(scheduled ? t('broadcasts.scheduled') : t('broadcasts.started'));
          for (const el of Object.values(texts)) el.value = '';
          loadList();
        } catch (error) {
          if (error.details && error.details.quota) showEstimate(error.details);
          toast(errorText(error), 'bad');
        }
      },
    },
    h('h2', {}, t('broadcasts.compose')),
    field(t('broadcasts.textTh'), texts.th, t('broadcasts.thHint')),
    h(
      'details',
      {},
      h('summary', {}, t('broadcasts.otherLanguages')),
      field(t('broadcasts.textEn'), texts.en),
      field(t('broadcasts.textHmn'), texts.hmn),
    ),
    field(t('broadcasts.audienceLabel'), type),
    areaBox,
    casesBox,
    field(t('broadcasts.when'), when, t('broadcasts.whenHint')),
    state.me.staff.role === 'admin'
      ? h('div', { class: 'field' }, h('label', {}, override, ' ', t('broadcasts.override')))
      : null,
    h(
      'div',
      { class: 'actions' },
      h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          'data-testid': 'estimate-button',
          onclick: async () => {
            if (!form.reportValidity()) return;
            try {
              showEstimate((await api('/api/broadcasts', { method: 'POST', body: body(true) })).estimate);
            } catch (error) {
              replace(estimateBox, h('p', { class: 'error', role: 'alert' }, errorText(error)));
            }
          },
        },
        t('broadcasts.check'),
      ),
      h('button', { type: 'submit' }, t('broadcasts.send')),
    ),
    estimateBox,
  );

  function progressOf(b) {
    const counts = b.chunkCounts || {};
    const total = b.totals
      ? b.totals.chunks
      : Object.values(counts).reduce((s, n) => s + (typeof n === 'number' ? n : 0), 0);
    const done = (counts.sent || 0) + (counts.failed || 0) + (counts.skipped || 0);
    return total > 0
      ? [h('progress', { class: 'progress', max: total, value: done }), ` ${done}/${total}`]
      : '—';
  }

  async function loadList() {
    try {
      const { items } = await api('/api/broadcasts?limit=30');
      replace(
        list,
        items.length === 0
          ? h('p', { class: 'empty' }, t('broadcasts.none'))
          : h(
              'table',
              { 'data-testid': 'broadcasts-table' },
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  ['created', 'audience', 'text', 'scheduled', 'status', 'progress', 'actions'].map((k) =>
                    h('th', { scope: 'col' }, t(`broadcasts.columns.${k}`)),
                  ),
                ),
              ),
              h(
                'tbody',
                {},
                items.map((b) =>
                  h(
                    'tr',
                    { 'data-status': b.status },
                    h('td', {}, formatDate(b.createdAt)),
                    h('td', {}, t(`broadcasts.audience.${b.audience.type}`)),
                    h('td', {}, ((b.content.th && b.content.th.text) || '').slice(0, 80)),
                    h('td', {}, formatDate(b.scheduledAt)),
                    h('td', { 'data-testid': 'broadcast-status' }, t(`broadcasts.status.${b.status}`)),
                    h('td', {}, progressOf(b)),
                    h(
                      'td',
                      {},
                      b.status === 'scheduled'
                        ? h(
                            'button',
                            {
                              type: 'button',
                              class: 'secondary',
                              onclick: async () => {
                                try {
                                  await api(`/api/broadcasts/${encodeURIComponent(b.id)}/cancel`, {
                                    method: 'POST',
                                  });
                                  toast(t('broadcasts.cancelled'));
                                  loadList();
                                } catch (error) {
                                  toast(errorText(error), 'bad');
                                }
                              },
                            },
                            t('broadcasts.cancel'),
                          )
                        : null,
                    ),
                  ),
                ),
              ),
            ),
      );
      // Watch progress while something is under way and this page is still shown.
      if (items.some((b) => UNFINISHED.includes(b.status) && b.status !== 'scheduled'))
        window.setTimeout(() => document.body.contains(list) && loadList(), REFRESH_MS);
    } catch (error) {
      replace(list, h('p', { class: 'error', role: 'alert' }, errorText(error)));
    }
  }

  await loadList();
  return h(
    'section',
    { class: 'page' },
    h('h1', {}, t('broadcasts.title')),
    form,
    h(
      'section',
      { class: 'card' },
      h('h2', {}, t('broadcasts.recent')),
      h('button', { type: 'button', class: 'secondary', onclick: loadList }, t('broadcasts.refresh')),
      list,
    ),
  );
}
