/* Users waiting for a person: who they are, their cases, the chat, answering, giving it back to the bot. */
/* global window */
import { api, hasRoute } from '../api.js';
import { field, h, replace } from '../dom.js';
import { formatDate, label, t } from '../i18n.js';
import { statusBadge } from './filters.js';
import { notAvailable } from './unavailable.js';

const CHAT_LANGUAGES = ['th', 'en', 'hmn'];
/** Which language to answer in, in words: staff write to the person in it. */
const languageName = (code) => (CHAT_LANGUAGES.includes(code) ? t(`handoffs.language.${code}`) : code);

/** What a chat line says; a tapped button by its label, never its raw postback data. */
function entryText(entry) {
  if (entry.kind === 'postback')
    return entry.text ? t('handoffs.tappedLabel', { label: entry.text }) : t('handoffs.tapped');
  if (entry.text) return entry.text;
  const key = `handoffs.kind.${entry.kind}`;
  const known = t(key);
  return known === key ? t('handoffs.kind.other') : known;
}

const bubble = (entry) =>
  h(
    'li',
    {
      class: `bubble ${entry.from === 'user' ? 'in' : 'out'}${entry.kind === 'postback' ? ' tap' : ''}`,
      'data-key': entry.key,
    },
    h('small', {}, formatDate(entry.at), ' · ', label('chatFrom', entry.from)),
    h('p', {}, entryText(entry)),
  );

const messagesPath = (userId, before) =>
  `/api/handoffs/${userId}/messages${before ? `?before=${encodeURIComponent(before)}` : ''}`;

function casesOf(item) {
  if (item.cases.length === 0) return h('small', { class: 'hint' }, t('handoffs.noCases'));
  return h(
    'ul',
    { class: 'plain handoff-cases', 'aria-label': t('handoffs.cases') },
    item.cases.map((c) =>
      h(
        'li',
        {},
        h('a', { href: `#/case/${encodeURIComponent(c.reference)}` }, c.reference),
        ' ',
        statusBadge(c.status),
      ),
    ),
  );
}

export async function render({ toast, errorText }) {
  if (!(await hasRoute('/api/handoffs'))) return notAvailable(t('handoffs.title'), t('nav.handoffs'));
  const { items } = await api('/api/handoffs');
  const chat = h(
    'div',
    { class: 'card chat', 'aria-live': 'polite' },
    h('p', { class: 'empty' }, t('handoffs.pick')),
  );
  const nameOf = (item, i) => item.displayName || t('handoffs.person', { n: i + 1 });

  async function open(item, name) {
    replace(chat, h('p', { class: 'loading' }, t('app.loading')));
    try {
      const first = await api(messagesPath(item.userId));
      const list = h('ol', { class: 'messages', 'data-testid': 'handoff-messages', tabindex: 0 });
      const earlierButton = h(
        'button',
        { type: 'button', class: 'secondary earlier' },
        t('handoffs.earlier'),
      );
      let earlier = first.earlier;
      const showEarlierButton = () => {
        earlierButton.hidden = !earlier;
      };
      earlierButton.addEventListener('click', async () => {
        earlierButton.disabled = true;
        try {
          const page = await api(messagesPath(item.userId, earlier));
          // Keep the message the reader was looking at where it was.
          const fromBottom = list.scrollHeight - list.scrollTop;
          list.prepend(...page.items.map(bubble));
          list.scrollTop = list.scrollHeight - fromBottom;
          earlier = page.earlier;
          showEarlierButton();
        } catch (error) {
          toast(errorText(error), 'bad');
        } finally {
          earlierButton.disabled = false;
        }
      });
      list.append(...first.items.map(bubble));
      showEarlierButton();
      const text = h('textarea', { rows: 3, required: true, maxlength: 5000 });
      replace(
        chat,
        h('h2', {}, name, ' · ', t('handoffs.chatWith', { since: formatDate(item.since) })),
        earlierButton,
        list,
        h(
          'form',
          {
            onsubmit: async (event) => {
              event.preventDefault();
              try {
                await api(`/api/handoffs/${item.userId}/messages`, {
                  method: 'POST',
                  body: { text: text.value },
                });
                toast(t('handoffs.sent'));
                open(item, name);
              } catch (error) {
                toast(errorText(error), 'bad');
              }
            },
          },
          field(t('handoffs.reply'), text),
          h(
            'div',
            { class: 'actions' },
            h('button', { type: 'submit' }, t('handoffs.send')),
            h(
              'button',
              {
                type: 'button',
                class: 'secondary',
                onclick: async () => {
                  try {
                    await api(`/api/handoffs/${item.userId}/close`, { method: 'POST' });
                    toast(t('handoffs.closed'));
                    window.dispatchEvent(new window.HashChangeEvent('hashchange'));
                  } catch (error) {
                    toast(errorText(error), 'bad');
                  }
                },
              },
              t('handoffs.close'),
            ),
          ),
        ),
      );
      // The latest message is at the bottom, where a chat starts reading.
      list.scrollTop = list.scrollHeight;
      text.focus({ preventScroll: true });
    } catch (error) {
      replace(chat, h('p', { class: 'error', role: 'alert' }, errorText(error)));
    }
  }

  return h(
    'section',
    { class: 'page' },
    h('h1', {}, t('handoffs.title')),
    items.length === 0
      ? h('p', { class: 'empty' }, t('handoffs.none'))
      : h(
          'div',
          { class: 'columns' },
          h(
            'ul',
            { class: 'plain inbox', 'aria-label': t('handoffs.waiting') },
            items.map((item, i) =>
              h(
                'li',
                { 'data-user': item.userId },
                h(
                  'button',
                  { type: 'button', class: 'secondary wide', onclick: () => open(item, nameOf(item, i)) },
                  h('strong', {}, nameOf(item, i)),
                  ' · ',
                  t('handoffs.waitingSince', { since: formatDate(item.since) }),
                  item.language ? ` · ${languageName(item.language)}` : '',
                ),
                casesOf(item),
              ),
            ),
          ),
          chat,
        ),
  );
}
