/* The console's strings: fetched once per language from /console/strings/<lang>.json. */
/* global fetch, localStorage, document */

let strings = {};
let language = 'th';

export const currentLanguage = () => language;

export async function loadLanguage(wanted) {
  const chosen = wanted === 'en' ? 'en' : 'th';
  const response = await fetch(`/console/strings/${chosen}.json`);
  strings = await response.json();
  language = chosen;
  localStorage.setItem('needline.console.lang', chosen);
  document.documentElement.lang = chosen;
}

export const savedLanguage = () => localStorage.getItem('needline.console.lang') || 'th';

/** t('cases.title') or t('cases.count', { n: 3 }); the key itself when missing, so a gap shows. */
export function t(key, vars) {
  let value = key
    .split('.')
    .reduce((node, part) => (node && typeof node === 'object' ? node[part] : undefined), strings);
  if (typeof value !== 'string') return key;
  for (const [name, replacement] of Object.entries(vars || {}))
    value = value.split(`{{${name}}}`).join(String(replacement));
  return value;
}

// Groups whose labels come from the bot's own case vocabulary.
const VOCAB = {
  status: 'vocab.status',
  category: 'vocab.category',
  vulnerable: 'vocab.vulnerable',
  tenure: 'vocab.tenure',
  dupReason: 'vocab.duplicateReason',
  priority: 'vocab.priority.level',
  factor: 'vocab.priority.factor',
  question: 'vocab.householdQuestion',
};

/** A label for a fixed value (status, category...), falling back to the value. */
export function label(group, value) {
  const key = `${VOCAB[group] || group}.${value}`;
  const text = t(key);
  return text === key ? String(value) : text;
}

/** Dates as staff read them: Buddhist Era in Thai, Bangkok time. */
export function formatDate(iso, withTime = true) {
  if (!iso) return '—';
  const date = new Date(iso.length === 10 ? `${iso}T00:00:00+07:00` : iso);
  const locale = language === 'th' ? 'th-TH-u-ca-buddhist' : 'en-GB';
  return new Intl.DateTimeFormat(locale, {
    timeZone: 'Asia/Bangkok',
    dateStyle: 'medium',
    ...(withTime && iso.length > 10 ? { timeStyle: 'short' } : {}),
  }).format(date);
}

export const formatNumber = (n) =>
  n === null || n === undefined ? '—' : new Intl.NumberFormat(language).format(n);
