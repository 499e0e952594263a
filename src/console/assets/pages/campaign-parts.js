/* What the campaign pages share: a campaign's status, dates, and a progress bar with its numbers. */
import { h } from '../dom.js';
import { formatDate, formatNumber, t } from '../i18n.js';

export const campaignStatusBadge = (status) =>
  h(
    'span',
    { class: `badge campaign-${status}`, 'data-campaign-status': status },
    t(`campaigns.status.${status}`),
  );

export const campaignDates = (campaign) =>
  t('campaigns.dates', {
    from: formatDate(campaign.startsOn, false),
    to: formatDate(campaign.endsOn, false),
  });

/** Whole percent of a target, or null without one. */
export const percentOf = (value, of) => (of > 0 ? Math.round((value / of) * 100) : null);

/**
 * A bar for `value` of `max`, named for screen readers (`name`), with the numbers beside it: staff read
 * "3 / 4 · 75%", never the bar alone. Beyond the target the bar stays full and the share says so.
 * Without `share` (a day against the busiest day) the bar is drawn but no percentage is said.
 * A `need` bar (households without a toilet...) is a share of a need, not progress: it has the need
 * colour at any length, never the progress colour nor the green of a target reached.
 */
export function progressBar(
  value,
  max,
  name,
  text = t('campaigns.fraction', { value, max }),
  { share = true, need = false } = {},
) {
  const percent = share ? percentOf(value, max) : null;
  const filled = percentOf(value, max);
  const kind = need ? ' need' : share && percent !== null && percent >= 100 ? ' full' : '';
  return h(
    'div',
    { class: 'progress-line' },
    h(
      'div',
      {
        class: `bar${kind}`,
        role: 'progressbar',
        'aria-label': name,
        'aria-valuemin': 0,
        'aria-valuemax': max,
        'aria-valuenow': Math.min(value, max),
        'aria-valuetext': percent === null ? text : `${text} (${formatNumber(percent)}%)`,
        'data-value': value,
        'data-max': max,
      },
      h('span', { style: `width:${filled === null ? 0 : Math.min(filled, 100)}%` }),
    ),
    h(
      'span',
      { class: 'bar-text' },
      text,
      percent === null ? null : h('small', {}, ` · ${formatNumber(percent)}%`),
    ),
  );
}
