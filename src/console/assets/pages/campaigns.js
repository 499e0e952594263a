/*
 * Baseline survey campaigns: the list with how far each has got, and the way to a campaign's page
 * (#/campaigns/<id>), the form for a new one (#/campaigns/new) and for changing one (#/campaigns/<id>/edit).
 */
import { api, hasRoute } from '../api.js';
import { h } from '../dom.js';
import { formatNumber, t } from '../i18n.js';
import { areaName } from '../places.js';
import { state } from '../state.js';
import { campaignDates, campaignStatusBadge, progressBar } from './campaign-parts.js';
import { notAvailable } from './unavailable.js';

const forbidden = (title) =>
  h(
    'section',
    { class: 'page' },
    h('h1', {}, title),
    h('p', { class: 'error', role: 'alert' }, t('errors.forbidden')),
  );

export async function render(context) {
  if (!(await hasRoute('/api/campaigns'))) return notAvailable(t('campaigns.title'), t('nav.campaigns'));
  const [first, second] = context.params;
  if (first === 'new') {
    if (!state.can('campaigns.manage')) return forbidden(t('campaigns.form.createTitle'));
    const { campaignForm } = await import('./campaign-form.js');
    return campaignForm(context);
  }
  if (first) {
    const campaign = await api(`/api/campaigns/${encodeURIComponent(first)}`);
    if (second === 'edit') {
      if (!state.can('campaigns.manage'))
        return forbidden(t('campaigns.form.editTitle', { name: campaign.name }));
      const { campaignForm } = await import('./campaign-form.js');
      return campaignForm({ ...context, campaign });
    }
    const { campaignPage } = await import('./campaign.js');
    return campaignPage({ ...context, campaign });
  }
  return list();
}

async function list() {
  const { items } = await api('/api/campaigns');
  const manager = state.can('campaigns.manage');
  return h(
    'section',
    { class: 'page' },
    h(
      'div',
      { class: 'page-head' },
      h('h1', {}, t('campaigns.title')),
      manager
        ? h(
            'a',
            { href: '#/campaigns/new', class: 'button', 'data-testid': 'new-campaign' },
            t('campaigns.new'),
          )
        : null,
    ),
    items.length === 0
      ? h('p', { class: 'empty', role: 'status' }, t(manager ? 'campaigns.noneManager' : 'campaigns.none'))
      : [
          h('p', { role: 'status' }, t('campaigns.count', { n: formatNumber(items.length) })),
          h(
            'ul',
            { class: 'plain campaign-list', 'data-testid': 'campaigns' },
            items.map((campaign) =>
              h(
                'li',
                { class: 'card campaign-card', 'data-id': campaign.id },
                h(
                  'h2',
                  {},
                  h('a', { href: `#/campaigns/${encodeURIComponent(campaign.id)}` }, campaign.name),
                  ' ',
                  campaignStatusBadge(campaign.status),
                ),
                h('p', { class: 'campaign-meta' }, areaName(campaign.area), h('br'), campaignDates(campaign)),
                progressBar(
                  campaign.surveyed,
                  campaign.target,
                  t('campaigns.progressLabel', { name: campaign.name }),
                  t('campaigns.surveyedOf', {
                    surveyed: formatNumber(campaign.surveyed),
                    target: formatNumber(campaign.target),
                  }),
                ),
                campaign.declined > 0
                  ? h(
                      'small',
                      { class: 'hint' },
                      t('campaigns.declinedCount', { n: formatNumber(campaign.declined) }),
                    )
                  : null,
              ),
            ),
          ),
        ],
  );
}
