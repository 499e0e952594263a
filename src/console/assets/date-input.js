/*
 * A date field that reads and writes dd/mm/yyyy whatever the browser's locale: Buddhist Era in the
 * Thai console (Thai digits accepted), Common Era otherwise. The API keeps ISO dates (YYYY-MM-DD).
 */
import { h } from './dom.js';
import { currentLanguage, t } from './i18n.js';

const BE_OFFSET = 543;
const THAI_DIGITS = '๐๑๒๓๔๕๖๗๘๙';

const usesBuddhistEra = () => currentLanguage() === 'th';

const pad = (n) => String(n).padStart(2, '0');

/** Thai digits to ASCII ones; anything else unchanged. */
export const asciiDigits = (text) => text.replace(/[๐-๙]/g, (digit) => String(THAI_DIGITS.indexOf(digit)));

/** YYYY-MM-DD as this console writes it: dd/mm/yyyy, the year in the Buddhist Era in Thai. */
export function displayDate(iso, buddhist = usesBuddhistEra()) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || '');
  if (!match) return '';
  const [, year, month, day] = match;
  return `${day}/${month}/${Number(year) + (buddhist ? BE_OFFSET : 0)}`;
}

/**
 * What was typed, as YYYY-MM-DD; '' for nothing, null for a date that does not exist. A year from
 * 2400 on is Buddhist Era in every language (Thai staff write it so in the English console too; no
 * visit is five centuries ahead), and an earlier four-digit year is Common Era.
 */
export function parseDate(text) {
  const typed = asciiDigits(String(text || '')).trim();
  if (!typed) return '';
  const match = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(typed);
  if (!match) return null;
  const [day, month, written] = match.slice(1).map(Number);
  const year = written >= 2400 ? written - BE_OFFSET : written;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (year < 1900 || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return `${year}-${pad(month)}-${pad(day)}`;
}

/**
 * A text input holding an ISO date. `isoValue()` gives YYYY-MM-DD, '' or null (and marks the
 * field invalid, so the form's own validation stops the submit).
 */
export function dateInput(name, iso, attrs = {}) {
  const input = h('input', {
    type: 'text',
    name,
    inputmode: 'numeric',
    autocomplete: 'off',
    size: 10,
    maxlength: 10,
    placeholder: t(usesBuddhistEra() ? 'dates.placeholderBe' : 'dates.placeholder'),
    value: displayDate(iso),
    'data-date-input': usesBuddhistEra() ? 'be' : 'ce',
    ...attrs,
  });
  const check = () => {
    const value = parseDate(input.value);
    input.setCustomValidity(value === null ? t('dates.invalid') : '');
    return value;
  };
  input.addEventListener('input', check);
  input.addEventListener('change', () => {
    const value = check();
    // Typed with Thai digits or single digits: show it back the one way it is written.
    if (value) input.value = displayDate(value);
  });
  input.isoValue = check;
  return input;
}
