/* What the pages share: who is signed in, the fixed vocabulary, the case filters in use. */
/* global sessionStorage, URLSearchParams */

const FILTERS_KEY = 'needline.console.filters';

export const state = {
  me: null,
  meta: { statuses: [], categories: [], priorities: [], roles: [], transitions: {} },
  can(permission) {
    return Boolean(this.me && this.me.permissions.includes(permission));
  },
  get filters() {
    try {
      return JSON.parse(sessionStorage.getItem(FILTERS_KEY) || '{}');
    } catch {
      return {};
    }
  },
  set filters(value) {
    sessionStorage.setItem(FILTERS_KEY, JSON.stringify(value));
  },
};

/** The API's filter query from the filters in use (empty values left out). */
export function filterQuery(filters, extra = {}) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...filters, ...extra }))
    if (value !== undefined && value !== null && String(value).trim() !== '')
      params.set(key, String(value).trim());
  return params.toString();
}
