/*
 * One campaign: coverage per village (surveyed / target, declined, flagged), by volunteer and by day, the
 * indicators with their denominators, the cases urgent needs became, the households on the map (case staff
 * only: names and places) and the export. Coverage refreshes itself while the campaign runs.
 */
/* global document, window */
import { api, download } from '../api.js';
import { h, replace } from '../dom.js';
import { currentLanguage, formatDate, formatNumber, t } from '../i18n.js';
import { pointsMap } from '../map-points.js';
import { areaName } from '../places.js';
import { state } from '../state.js';
import { statusBadge } from './filters.js';
import { campaignDates, campaignStatusBadge, percentOf, progressBar } from './campaign-parts.js';

/** Coverage is re-read this often while the campaign runs and its page is shown. */
const REFRESH_MS = 30_000;

/** One colour per village (12 at most), told apart in the legend by name too. */
const VILLAGE_COLOURS = [
  '#1864ab',
  '#c92a2a',
  '#2b8a3e',
  '#e67700',
  '#5f3dc4',
  '#0b7285',
  '#a61e4d',
  '#5c940d',
  '#862e9c',
  '#d9480f',
  '#364fc7',
  '#087f5b',
];
const OTHER_COLOUR = '#868e96';

const INDICATORS = ['withoutToilet', 'withoutTenureDocument', 'withVulnerableMember', 'exposedToFloods'];

/**
 * A coverage table; on a phone its rows stack, each number named by its column (data-label), so nothing
 * hides behind a sideways scroll.
 */
function table(testid, caption, head, rows) {
  for (const row of rows)
    [...row.children].forEach((cell, i) => {
      if (cell.tagName === 'TD' && !cell.classList.contains('bar-cell')) cell.dataset.label = head[i];
    });
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'coverage stack', 'data-testid': testid },
      h('caption', { class: 'visually-hidden' }, caption),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          head.map((text) => h('th', { scope: 'col' }, text)),
        ),
      ),
      h('tbody', {}, rows),
    ),
  );
}

/** The time of day in Bangkok, as staff read a clock. */
const clock = () =>
  new Intl.DateTimeFormat(currentLanguage() === 'th' ? 'th-TH' : 'en-GB', {
    timeZone: 'Asia/Bangkok',
    timeStyle: 'short',
  }).format(new Date());

export async function campaignPage({ campaign, toast, errorText }) {
  const villageName = (villageId) => {
    const village = campaign.villages.find((v) => v.id === villageId);
    return village ? village.name : t('campaigns.page.wholeArea');
  };
  const colourOf = (villageId) => {
    const index = campaign.villages.findIndex((v) => v.id === villageId);
    return index >= 0 ? VILLAGE_COLOURS[index % VILLAGE_COLOURS.length] : OTHER_COLOUR;
  };
  // Names for those who manage volunteers; others read "Volunteer 1, 2..." in the order of the table.
  const names = new Map(campaign.volunteers.filter((v) => v.name).map((v) => [v.volunteerId, v.name]));
  // Who surveyed but is no longer assigned: named once from the approved volunteers (an audited read),
  // not at every refresh.
  let askedNames = false;
  async function completeNames(byVolunteer) {
    if (askedNames || !state.can('volunteers.manage')) return;
    if (byVolunteer.every((v) => names.has(v.volunteerId))) return;
    askedNames = true;
    try {
      const { items } = await api('/api/volunteers?status=active');
      for (const v of items) if (!names.has(v.id)) names.set(v.id, v.name);
    } catch {
      // the names are a help: unnamed volunteers are numbered
    }
  }

  // Not a live region: a refresh every half minute would read the whole page out again.
  const coverage = h('div', { class: 'coverage-parts' });
  const updated = h('small', { class: 'hint', 'data-testid': 'coverage-updated' });

  function drawCoverage(results) {
    const { coverage: c, indicators, cases } = results;
    const villages = table(
      'coverage-villages',
      t('campaigns.page.byVillage'),
      [
        t('campaigns.page.village'),
        t('campaigns.page.surveyed'),
        t('campaigns.page.declined'),
        t('campaigns.page.flagged'),
      ],
      c.byVillage.map((v) =>
        h(
          'tr',
          { 'data-village': v.villageId || '' },
          h(
            'th',
            { scope: 'row' },
            v.villageId
              ? h('span', {
                  class: 'swatch',
                  style: `background:${colourOf(v.villageId)}`,
                  'aria-hidden': 'true',
                })
              : null,
            v.name || t('campaigns.page.wholeArea'),
          ),
          h(
            'td',
            { class: 'bar-cell' },
            progressBar(
              v.surveyed,
              v.target,
              t('campaigns.page.villageProgress', { name: v.name || t('campaigns.page.wholeArea') }),
            ),
          ),
          h('td', { 'data-cell': 'declined' }, formatNumber(v.declined)),
          h(
            'td',
            { 'data-cell': 'flagged' },
            v.flagged > 0 ? h('span', { class: 'badge dup' }, `⚑ ${formatNumber(v.flagged)}`) : '0',
          ),
        ),
      ),
    );
    const volunteerRows = c.byVolunteer.map((v, i) =>
      h(
        'tr',
        {},
        h(
          'th',
          { scope: 'row' },
          names.get(v.volunteerId) || t('campaigns.page.unnamedVolunteer', { n: formatNumber(i + 1) }),
        ),
        h('td', {}, formatNumber(v.surveyed)),
        h('td', {}, formatNumber(v.declined)),
      ),
    );
    const most = Math.max(1, ...c.byDay.map((d) => d.surveyed));
    const dayRows = c.byDay.map((d) =>
      h(
        'tr',
        {},
        h('th', { scope: 'row' }, d.day ? formatDate(d.day, false) : '—'),
        h(
          'td',
          { class: 'bar-cell' },
          progressBar(
            d.surveyed,
            most,
            t('campaigns.page.dayProgress', { day: formatDate(d.day, false) }),
            formatNumber(d.surveyed),
            { share: false },
          ),
        ),
        h('td', {}, formatNumber(d.declined)),
      ),
    );
    const indicatorList = h(
      'ul',
      { class: 'plain indicators', 'data-testid': 'indicators' },
      INDICATORS.map((key) => {
        const value = indicators[key];
        const share = percentOf(value.count, value.of);
        return h(
          'li',
          { 'data-indicator': key },
          h('span', { class: 'indicator-name' }, t(`campaigns.page.indicator.${key}`)),
          progressBar(
            value.count,
            value.of,
            t(`campaigns.page.indicator.${key}`),
            t('campaigns.page.indicatorOf', { count: formatNumber(value.count), of: formatNumber(value.of) }),
            { need: true },
          ),
          share === null ? h('small', { class: 'hint' }, t('campaigns.page.noShare')) : null,
          key === 'withVulnerableMember'
            ? h('small', { class: 'hint' }, t('campaigns.page.vulnerableHint'))
            : null,
        );
      }),
    );
    const caseList =
      cases.length === 0
        ? h('p', { class: 'empty' }, t('campaigns.page.noCases'))
        : h(
            'ul',
            { class: 'plain', 'data-testid': 'campaign-cases' },
            cases.map((item) =>
              h(
                'li',
                {},
                h('a', { href: `#/case/${encodeURIComponent(item.reference)}` }, item.reference),
                ' ',
                item.status ? statusBadge(item.status) : null,
                ' ',
                t('campaigns.page.caseIn', {
                  village: villageName(item.villageId),
                  day: formatDate(item.surveyedOn, false),
                }),
              ),
            ),
          );

    replace(
      coverage,
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'cov-total' },
        h('h2', { id: 'cov-total' }, t('campaigns.page.progress')),
        progressBar(
          c.surveyed,
          c.target,
          t('campaigns.progressLabel', { name: campaign.name }),
          t('campaigns.surveyedOf', { surveyed: formatNumber(c.surveyed), target: formatNumber(c.target) }),
        ),
        h(
          'ul',
          { class: 'plain tallies', 'data-testid': 'tallies' },
          [
            ['declined', c.declined, 'declinedHint'],
            ['flagged', c.flagged, 'flaggedHint'],
            ['urgent', c.urgentCases, null],
          ].map(([key, n, hint]) =>
            h(
              'li',
              {},
              h('strong', { 'data-tally': key }, formatNumber(n)),
              ' ',
              h('span', {}, t(`campaigns.page.${key}`)),
              hint ? h('small', { class: 'hint' }, t(`campaigns.page.${hint}`)) : null,
            ),
          ),
        ),
      ),
      h('section', { class: 'card' }, h('h2', {}, t('campaigns.page.byVillage')), villages),
      h(
        'div',
        { class: 'columns even' },
        h(
          'section',
          { class: 'card' },
          h('h2', {}, t('campaigns.page.byVolunteer')),
          volunteerRows.length === 0
            ? h('p', { class: 'empty' }, t('campaigns.page.noSurveys'))
            : table(
                'coverage-volunteers',
                t('campaigns.page.byVolunteer'),
                [
                  t('campaigns.page.volunteer'),
                  t('campaigns.page.surveyedCount'),
                  t('campaigns.page.declined'),
                ],
                volunteerRows,
              ),
        ),
        h(
          'section',
          { class: 'card' },
          h('h2', {}, t('campaigns.page.byDay')),
          dayRows.length === 0
            ? h('p', { class: 'empty' }, t('campaigns.page.noSurveys'))
            : table(
                'coverage-days',
                t('campaigns.page.byDay'),
                [t('campaigns.page.day'), t('campaigns.page.surveyedCount'), t('campaigns.page.declined')],
                dayRows,
              ),
        ),
      ),
      h(
        'div',
        { class: 'columns even' },
        h('section', { class: 'card' }, h('h2', {}, t('campaigns.page.indicators')), indicatorList),
        h('section', { class: 'card' }, h('h2', {}, t('campaigns.page.cases')), caseList),
      ),
    );
    updated.textContent = t('campaigns.page.updated', { at: clock() });
  }

  let timer;
  /** Coverage only: what the automatic refresh re-reads (the households' read is audited, so it waits). */
  async function refresh() {
    window.clearTimeout(timer);
    try {
      const results = await api(`/api/campaigns/${encodeURIComponent(campaign.id)}/results`);
      await completeNames(results.coverage.byVolunteer);
      drawCoverage(results);
    } catch (error) {
      replace(coverage, h('p', { class: 'error', role: 'alert' }, errorText(error)));
    }
    // Watch the bars move while volunteers are out, as long as this page is shown.
    if (campaign.status === 'running')
      timer = window.setTimeout(() => document.body.contains(coverage) && refresh(), REFRESH_MS);
  }
  await refresh();

  // The households: names and exact places, for case staff only. Each read is audited, so they are read
  // when the page opens and when staff press "reload", never by the automatic refresh; the page says when.
  const personal = state.can('campaigns.readPersonal');
  const households = personal ? householdsMap() : null;
  /** The reload button: coverage and, for case staff, the households on the map. */
  async function reload() {
    await Promise.all([refresh(), households ? households.load() : null]);
  }
  function householdsMap() {
    const box = h('div', {
      class: 'map large',
      role: 'region',
      'aria-label': t('campaigns.page.map'),
      'data-testid': 'households-map',
    });
    const summary = h('p', { role: 'status' });
    const readAt = h('small', { class: 'hint', 'data-testid': 'map-read' });
    const list = h('details', { class: 'households' }, h('summary', {}, t('campaigns.page.households')));
    const legend = h(
      'ul',
      { class: 'legend', 'aria-label': t('map.legend') },
      campaign.villages.map((v) =>
        h('li', {}, h('span', { class: 'swatch', style: `background:${colourOf(v.id)}` }), v.name),
      ),
    );
    const points = pointsMap(box);
    let asking = 0;
    async function load() {
      const mine = ++asking;
      try {
        const { items } = await api(`/api/campaigns/${encodeURIComponent(campaign.id)}/households`);
        // A reload pressed twice: the later answer is drawn, never overwritten by the earlier one.
        if (mine !== asking) return;
        summary.textContent = t('campaigns.page.householdsShown', { n: formatNumber(items.length) });
        readAt.textContent = t('campaigns.page.mapRead', { at: clock() });
        const about = (item) => [
          h('strong', {}, item.headName || '—'),
          h('br'),
          villageName(item.villageId),
          item.surveyedOn ? ` · ${formatDate(item.surveyedOn, false)}` : '',
          item.duplicateOf
            ? [h('br'), h('span', { class: 'badge dup' }, `⚑ ${t('campaigns.page.duplicate')}`)]
            : null,
          item.caseReference
            ? [
                h('br'),
                h('a', { href: `#/case/${encodeURIComponent(item.caseReference)}` }, item.caseReference),
              ]
            : null,
        ];
        replace(
          list,
          h('summary', {}, t('campaigns.page.households')),
          h(
            'ul',
            { class: 'plain', 'data-testid': 'households' },
            items.map((item) => h('li', { 'data-survey': item.surveyId }, about(item))),
          ),
        );
        points.draw(
          items.map((item) => ({
            point: [item.lat, item.lng],
            colour: colourOf(item.villageId),
            className: 'household',
            popup: h('div', {}, about(item)),
          })),
        );
      } catch (error) {
        if (mine === asking) summary.textContent = errorText(error);
      }
    }
    window.setTimeout(load, 0);
    return {
      load,
      section: h(
        'section',
        { class: 'card' },
        h('h2', {}, t('campaigns.page.map')),
        h('p', { class: 'hint' }, t('campaigns.page.mapHint')),
        summary,
        readAt,
        box,
        legend,
        list,
      ),
    };
  }

  const exportButton = (format) =>
    h(
      'button',
      {
        type: 'button',
        class: 'secondary',
        'data-export': format,
        onclick: async () => {
          try {
            const file = await download(
              `/api/campaigns/${encodeURIComponent(campaign.id)}/export?format=${format}&lang=${currentLanguage()}`,
              document,
            );
            toast(t('exports.done', { name: file.name }));
          } catch (error) {
            toast(errorText(error), 'bad');
          }
        },
      },
      t(`exports.${format}`),
    );

  const volunteersText = campaign.volunteers.some((v) => v.name)
    ? campaign.volunteers.map((v) => v.name || '—').join(', ')
    : t('campaigns.page.volunteersCount', { n: formatNumber(campaign.volunteers.length) });

  // No LINE message tells volunteers they were assigned (pushes cost money): their menu does, and staff.
  const menuKey = { upcoming: 'menuFrom', running: 'menuUntil' }[campaign.status];
  const volunteerMenu =
    menuKey && campaign.volunteers.length > 0
      ? h(
          'small',
          { class: 'hint block', 'data-testid': 'volunteer-menu' },
          t(`campaigns.page.${menuKey}`, {
            from: formatDate(campaign.startsOn, false),
            to: formatDate(campaign.endsOn, false),
          }),
        )
      : null;

  return h(
    'section',
    { class: 'page campaign-page', 'data-id': campaign.id },
    h('p', { class: 'crumb' }, h('a', { href: '#/campaigns' }, `← ${t('campaigns.page.back')}`)),
    h('div', { class: 'page-head' }, h('h1', {}, campaign.name), campaignStatusBadge(campaign.status)),
    h(
      'dl',
      { class: 'facts card', 'data-testid': 'campaign-facts' },
      h('dt', {}, t('campaigns.page.area')),
      h('dd', {}, areaName(campaign.area)),
      h('dt', {}, t('campaigns.page.dates')),
      h('dd', {}, campaignDates(campaign)),
      h('dt', {}, t('campaigns.page.flow')),
      h('dd', {}, t(`campaigns.flows.${campaign.flowId}`)),
      h('dt', {}, t('campaigns.page.target')),
      h('dd', {}, t('campaigns.page.targetHouseholds', { n: formatNumber(campaign.target) })),
      h('dt', {}, t('campaigns.page.volunteers')),
      h('dd', {}, volunteersText, volunteerMenu),
    ),
    h(
      'div',
      { class: 'toolbar' },
      state.can('campaigns.manage')
        ? h(
            'a',
            { href: `#/campaigns/${encodeURIComponent(campaign.id)}/edit`, class: 'button' },
            t('campaigns.page.edit'),
          )
        : null,
      h(
        'button',
        { type: 'button', class: 'secondary', 'data-testid': 'reload', onclick: reload },
        t('campaigns.page.refresh'),
      ),
      updated,
    ),
    coverage,
    (households && households.section) ||
      h('p', { class: 'notice', 'data-testid': 'map-not-allowed' }, t('campaigns.page.mapNotAllowed')),
    personal
      ? h(
          'section',
          { class: 'card' },
          h('h2', {}, t('campaigns.page.export')),
          h('p', { class: 'hint' }, t('campaigns.page.exportHint')),
          h(
            'div',
            { class: 'toolbar', role: 'group', 'aria-label': t('campaigns.page.export') },
            ['csv', 'xlsx'].map(exportButton),
          ),
        )
      : null,
  );
}
