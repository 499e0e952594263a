import type { i18n } from 'i18next';

export const PAGE_LANGUAGES = ['th', 'en', 'hmn'] as const;
export type PageLanguage = (typeof PAGE_LANGUAGES)[number];

/** `?lang=` first, then the browser's preference, then Thai. */
export function pickLanguage(query: unknown, acceptLanguage: string | undefined): PageLanguage {
  const wanted = [
    typeof query === 'string' ? query : '',
    ...(acceptLanguage ?? '').split(',').map((part) => part.split(';')[0]!.trim().slice(0, 3)),
  ];
  for (const candidate of wanted) {
    const base = candidate.toLowerCase().split('-')[0];
    const match = PAGE_LANGUAGES.find((language) => language === base);
    if (match) return match;
  }
  return 'th';
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (ch) => ESCAPES[ch]!);

/**
 * Fills `{{key}}` in the page template with the sandbox namespace in `language`, and hands the
 * whole namespace to the page's script as a JSON data block (not executed, so the CSP allows it).
 */
export function renderPage(template: string, i18n: i18n, language: PageLanguage): string {
  const t = i18n.getFixedT(language, 'sandbox');
  const strings = {
    ...(i18n.getResourceBundle('th', 'sandbox') as Record<string, unknown>),
    ...(i18n.getResourceBundle(language, 'sandbox') as Record<string, unknown>),
  };
  const json = JSON.stringify(strings).replace(/</g, '\\u003c');
  // Keys first: the strings block holds `{{placeholders}}` of its own for the page's script.
  return template
    .replace(/\{\{([\w.]+)\}\}/g, (_match, key: string) => escapeHtml(t(key)))
    .replace('{{@lang}}', language)
    .replace('{{@strings}}', () => json);
}
