/* The state a page shows while the API it needs is not there yet. */
import { h } from '../dom.js';
import { t } from '../i18n.js';

export const notAvailable = (title, what) =>
  h(
    'section',
    { class: 'page' },
    h('h1', {}, title),
    h(
      'p',
      { class: 'notice', role: 'status', 'data-testid': 'not-available' },
      t('errors.notAvailableYet', { what }),
    ),
  );
