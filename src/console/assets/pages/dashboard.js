/* The case figures as plain SVG charts: by status, category, province, priority; new per week; medians. */
/* global window */
import { api } from '../api.js';
import { h, svg } from '../dom.js';
import { formatDate, formatNumber, label, t } from '../i18n.js';
import { state } from '../state.js';

const BAR = 22;

/** Horizontal bars with the numbers written out, so the chart reads without colour or hover. */
function bars(title, entries) {
  const max = Math.max(1, ...entries.map(([, n]) => n));
  const width = 520;
  const labelWidth = 170;
  const height = entries.length * (BAR + 6) + 4;
  const chart = svg(
    'svg',
    { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-labelledby': `${title.id}`, class: 'chart' },
    entries.map(([name, n], i) => {
      const y = i * (BAR + 6) + 2;
      const w = Math.max(2, ((width - labelWidth - 60) * n) / max);
      return svg(
        'g',
        {},
        svg('text', { x: labelWidth - 8, y: y + BAR * 0.7, 'text-anchor': 'end', class: 'axis' }, name),
        svg('rect', { x: labelWidth, y, width: w, height: BAR, rx: 3, class: 'bar' }),
        svg('text', { x: labelWidth + w + 6, y: y + BAR * 0.7, class: 'value' }, formatNumber(n)),
      );
    }),
  );
  return h(
    'figure',
    { class: 'card' },
    title,
    entries.length === 0 ? h('p', { class: 'empty' }, t('dashboard.empty')) : chart,
  );
}

let ids = 0;
const caption = (text) => h('figcaption', { id: `chart${++ids}` }, text);
const sortedEntries = (record, name) =>
  Object.entries(record)
    .sort((a, b) => b[1] - a[1])
    .map(([key, n]) => [name(key), n]);

function weekly(weeks) {
  const width = 520;
  const height = 180;
  const max = Math.max(1, ...weeks.map((w) => w.count));
  const step = (width - 40) / Math.max(1, weeks.length);
  const title = caption(t('dashboard.perWeek'));
  return h(
    'figure',
    { class: 'card' },
    title,
    svg(
      'svg',
      { viewBox: `0 0 ${width} ${height + 30}`, role: 'img', 'aria-labelledby': title.id, class: 'chart' },
      weeks.map((w, i) => {
        const barHeight = (height - 20) * (w.count / max);
        const x = 30 + i * step;
        return svg(
          'g',
          {},
          svg(
            'rect',
            { x, y: height - barHeight, width: step * 0.7, height: Math.max(1, barHeight), class: 'bar' },
            svg('title', {}, `${w.week}: ${w.count}`),
          ),
          svg(
            'text',
            { x: x + step * 0.35, y: height - barHeight - 4, 'text-anchor': 'middle', class: 'value' },
            String(w.count),
          ),
          i % 2 === 0
            ? svg(
                'text',
                { x: x + step * 0.35, y: height + 16, 'text-anchor': 'middle', class: 'axis small' },
                formatDate(w.week, false),
              )
            : null,
        );
      }),
    ),
  );
}

/**
 * In a sandbox, an admin may fill an empty console with generated demo data (and take it away):
 * a newcomer sees what NeedLine looks like at work.
 */
async function demoCard(total) {
  if (!state.can('staff.manage')) return null;
  const demo = await api('/api/demo').catch(() => null);
  if (!demo?.available || (total > 0 && !demo.loaded)) return null;
  const message = h('p', { role: 'status' });
  const act = (method, busyText) => async (event) => {
    const button = event.currentTarget;
    button.disabled = true;
    message.textContent = busyText;
    try {
      await api('/api/demo', { method });
      window.location.reload();
    } catch {
      message.textContent = t('dashboard.demoFailed');
      button.disabled = false;
    }
  };
  return demo.loaded
    ? h(
        'div',
        { class: 'card demo', 'data-testid': 'demo-card' },
        h('p', {}, t('dashboard.demoLoaded')),
        h(
          'button',
          { type: 'button', class: 'secondary', onclick: act('DELETE', '…') },
          t('dashboard.demoRemove'),
        ),
        message,
      )
    : h(
        'div',
        { class: 'card demo', 'data-testid': 'demo-card' },
        h('p', {}, t('dashboard.demoIntro')),
        h(
          'button',
          { type: 'button', onclick: act('POST', t('dashboard.demoAdding')) },
          t('dashboard.demoAdd'),
        ),
        message,
      );
}

/**
 * This month's LINE quota: what it went on, per case, how long the rest lasts, and a warning before
 * status updates would be held for lack of it. The page works without it (LINE unreachable).
 */
async function quotaCard() {
  const quota = await api('/api/quota').catch(() => null);
  if (!quota)
    return h('div', { class: 'card', 'data-testid': 'quota-card' }, t('dashboard.quotaUnavailable'));
  const n = (value) => formatNumber(Math.round(value * 10) / 10);
  const warning =
    quota.level === 'warning'
      ? h('p', { class: 'notice bad', role: 'alert' }, t('dashboard.quotaWarning'))
      : quota.level === 'watch'
        ? h(
            'p',
            { class: 'notice', role: 'status' },
            t('dashboard.quotaWatch', { date: formatDate(quota.runsOutOn, false) }),
          )
        : null;
  const title = caption(t('dashboard.quotaTitle'));
  return h(
    'div',
    { class: 'quota', 'data-testid': 'quota-card' },
    warning,
    bars(
      title,
      Object.entries(quota.byKind).map(([kind, count]) => [t(`dashboard.quotaKind.${kind}`), count]),
    ),
    h(
      'div',
      { class: 'card' },
      h(
        'p',
        {},
        h(
          'strong',
          { 'data-testid': 'quota-used' },
          quota.monthlyQuota === null
            ? t('dashboard.quotaUnlimited', { used: n(quota.usedThisMonth) })
            : t('dashboard.quotaUsed', { used: n(quota.usedThisMonth), quota: n(quota.monthlyQuota) }),
        ),
      ),
      quota.statusUpdates.averagePerCase === null
        ? null
        : h('p', {}, t('dashboard.quotaPerCase', { n: n(quota.statusUpdates.averagePerCase) })),
      quota.monthlyQuota === null
        ? null
        : h(
            'p',
            {},
            quota.daysLeft === null || quota.daysLeft >= quota.daysToMonthEnd
              ? t('dashboard.quotaLastsMonth')
              : t('dashboard.quotaDaysLeft', { n: n(quota.daysLeft), m: n(quota.daysToMonthEnd) }),
          ),
    ),
  );
}

export async function render() {
  const figures = await api('/api/dashboard?weeks=12');
  const days = (n) => (n === null ? '—' : t('dashboard.days', { n: formatNumber(n) }));
  return h(
    'section',
    { class: 'page' },
    h('h1', {}, t('dashboard.title')),
    await demoCard(figures.total),
    h(
      'div',
      { class: 'kpis' },
      h(
        'div',
        { class: 'card kpi' },
        h('span', {}, t('dashboard.total')),
        h('strong', { 'data-testid': 'kpi-total' }, formatNumber(figures.total)),
      ),
      h(
        'div',
        { class: 'card kpi' },
        h('span', {}, t('dashboard.toFirstAction')),
        h('strong', {}, days(figures.medianDaysToFirstAction)),
        h('small', {}, t('dashboard.measured', { n: figures.measured.firstAction })),
      ),
      h(
        'div',
        { class: 'card kpi' },
        h('span', {}, t('dashboard.toCompletion')),
        h('strong', {}, days(figures.medianDaysToCompletion)),
        h('small', {}, t('dashboard.measured', { n: figures.measured.completion })),
      ),
    ),
    await quotaCard(),
    h(
      'div',
      { class: 'charts' },
      bars(
        caption(t('dashboard.byStatus')),
        sortedEntries(figures.byStatus, (k) => label('status', k)),
      ),
      bars(
        caption(t('dashboard.byPriority')),
        sortedEntries(figures.byPriority, (k) => label('priority', k)),
      ),
      bars(
        caption(t('dashboard.byCategory')),
        sortedEntries(figures.byCategory, (k) => label('category', k)),
      ),
      bars(
        caption(t('dashboard.byProvince')),
        sortedEntries(figures.byProvince, (k) => (k === 'unknown' ? t('dashboard.unknown') : k)),
      ),
      weekly(figures.newPerWeek),
    ),
  );
}
