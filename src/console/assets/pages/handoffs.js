/* Users waiting for a person: the chat so far, answering as the foundation, giving it back to the bot. */
/* global window */
import { api, hasRoute } from '../api.js';
import { field, h, replace } from '../dom.js';
import { formatDate, label, t } from '../i18n.js';
import { notAvailable } from './unavailable.js';

export async function render({ toast, errorText }) {
  if (!(await hasRoute('/api/handoffs'))) return notAvailable(t('handoffs.title'), t('nav.handoffs'));
  const { items } = await api('/api/handoffs');
  const chat = h(
    'div',
    { class: 'card chat', 'aria-live': 'polite' },
    h('p', { class: 'empty' }, t('handoffs.pick')),
  );

  async function open(item) {
    replace(chat, h('p', { class: 'loading' }, t('app.loading')));
    try {
      const { items: entries } = await api(`/api/handoffs/${item.userId}/messages`);
      const text = h('textarea', { rows: 3, required: true, maxlength: 5000 });
      replace(
        chat,
        h('h2', {}, t('handoffs.chatWith', { since: formatDate(item.since) })),
        h(
          'ol',
          { class: 'messages' },
          entries.map((entry) =>
            h(
              'li',
              { class: `bubble ${entry.from === 'user' ? 'in' : 'out'}` },
              h('small', {}, formatDate(entry.at), ' · ', label('chatFrom', entry.from)),
              h('p', {}, entry.text ?? `[${entry.kind}]`),
            ),
          ),
        ),
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
                open(item);
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
      text.focus();
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
                {},
                h(
                  'button',
                  { type: 'button', class: 'secondary wide', onclick: () => open(item) },
                  t('handoffs.person', { n: i + 1 }),
                  ' · ',
                  t('handoffs.waitingSince', { since: formatDate(item.since) }),
                  item.language ? ` · ${item.language}` : '',
                ),
              ),
            ),
          ),
          chat,
        ),
  );
}
