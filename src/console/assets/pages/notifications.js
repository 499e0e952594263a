/* My notifications from the scheduled jobs, newest first, worded here from their data; mark them read. */
import { api, hasRoute } from '../api.js';
import { h, replace } from '../dom.js';
import { formatDate, formatNumber, label, t } from '../i18n.js';
import { provinceName, provinceNames } from '../places.js';
import { notAvailable } from './unavailable.js';

const caseLink = (reference) =>
  h('a', { href: `#/case/${encodeURIComponent(reference)}` }, t('notifications.openCase', { reference }));

/** The title, the sentence and the case (if any) of one notification, in the console's language. */
export function wording(data) {
  switch (data.kind) {
    case 'sla_escalated':
      return {
        title: t('notifications.sla.title', { reference: data.reference }),
        text: t('notifications.sla.text', {
          reference: data.reference,
          days: formatNumber(data.idleDays),
          since: formatDate(data.idleSince, false),
          status: label('status', data.status),
        }),
        detail: data.provinceCode
          ? t('notifications.province', { name: provinceName(data.provinceCode) })
          : null,
        reference: data.reference,
      };
    case 'daily_digest':
      return {
        title: t('notifications.digest.title', { date: formatDate(data.date, false) }),
        text: t('notifications.digest.text', {
          newCases: formatNumber(data.newCases),
          overdueCases: formatNumber(data.overdueCases),
          visitWaiting: formatNumber(data.visitWaiting),
          handoffsOpen: formatNumber(data.handoffsOpen),
          handoffsWaitingOverDay: formatNumber(data.handoffsWaitingOverDay),
        }),
        detail:
          data.provinces && data.provinces.length
            ? t('notifications.provinces', { names: provinceNames(data.provinces) })
            : t('notifications.allProvinces'),
      };
    case 'reporter_erased':
      return {
        title: t('notifications.erased.title', { reference: data.reference }),
        text: t('notifications.erased.text', {
          reference: data.reference,
          at: formatDate(data.at),
          status: label('status', data.status),
        }),
        reference: data.reference,
      };
    case 'login_guessed':
      return {
        title: t('notifications.guessed.title', { email: data.email }),
        text: t('notifications.guessed.text', {
          email: data.email,
          failures: formatNumber(data.failures),
          since: formatDate(data.since),
        }),
      };
    case 'reopen_requested':
      return {
        title: t('notifications.reopen.title', { reference: data.reference }),
        text: t('notifications.reopen.text', { reference: data.reference, at: formatDate(data.at) }),
        reference: data.reference,
      };
    case 'quota_low':
      return {
        title: t(`notifications.quota.${data.level === 'warning' ? 'warningTitle' : 'watchTitle'}`),
        text: t(`notifications.quota.${data.level === 'warning' ? 'warningText' : 'watchText'}`, {
          used: formatNumber(data.used),
          quota: formatNumber(data.quota),
          date: data.runsOutOn ? formatDate(data.runsOutOn, false) : '—',
        }),
      };
    default:
      // A kind this console does not know yet still shows, plainly.
      return { title: t('notifications.other'), text: String(data.kind ?? '') };
  }
}

export async function render({ toast, errorText, showUnread }) {
  if (!(await hasRoute('/api/notifications')))
    return notAvailable(t('notifications.title'), t('nav.notifications'));
  const { items, unread } = await api('/api/notifications?limit=100');
  let unreadCount = unread;
  showUnread(unreadCount);
  const summary = h('p', { role: 'status', 'data-testid': 'unread-summary' });
  const showSummary = () =>
    replace(
      summary,
      unreadCount
        ? t('notifications.unreadCount', { n: formatNumber(unreadCount) })
        : t('notifications.allRead'),
    );
  showSummary();

  function entry(item) {
    const { title, text, detail, reference } = wording(item.data);
    const headingId = `notification-${item.id}`;
    const state = h('div', { class: 'actions' });
    const li = h(
      'li',
      {
        class: item.readAt ? 'notification' : 'notification unread',
        'data-id': item.id,
        'data-kind': item.data.kind,
        'aria-labelledby': headingId,
      },
      h('h2', { id: headingId }, title),
      h('p', {}, text),
      detail ? h('p', {}, h('small', {}, detail)) : null,
      h('p', {}, h('small', {}, t('notifications.received', { at: formatDate(item.createdAt) }))),
      reference ? h('p', {}, caseLink(reference)) : null,
      state,
    );
    const markedRead = () => replace(state, h('span', { class: 'badge' }, t('notifications.read')));
    if (item.readAt) {
      markedRead();
      return li;
    }
    const button = h(
      'button',
      {
        type: 'button',
        class: 'secondary',
        'aria-label': t('notifications.markReadName', { title }),
        onclick: async () => {
          button.disabled = true;
          try {
            await api(`/api/notifications/${encodeURIComponent(item.id)}/read`, { method: 'POST' });
          } catch (error) {
            toast(errorText(error), 'bad');
            button.disabled = false;
            return;
          }
          li.classList.remove('unread');
          markedRead();
          unreadCount = Math.max(0, unreadCount - 1);
          showUnread(unreadCount);
          showSummary();
          toast(t('notifications.markedRead'));
          // Keep the keyboard where the reader was: the next unread one, else the summary.
          const next = list.querySelector('li.unread button');
          if (next) next.focus();
          else {
            summary.tabIndex = -1;
            summary.focus();
          }
        },
      },
      t('notifications.markRead'),
    );
    replace(state, button);
    return li;
  }

  const list = h(
    'ul',
    { class: 'plain notifications', 'aria-label': t('notifications.title'), 'data-testid': 'notifications' },
    items.map(entry),
  );

  return h(
    'section',
    { class: 'page' },
    h('h1', {}, t('notifications.title')),
    items.length === 0
      ? h('p', { class: 'empty', role: 'status' }, t('notifications.none'))
      : [summary, list],
  );
}
