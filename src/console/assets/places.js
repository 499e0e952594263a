/* Provinces and districts by name in the console's language; the API keeps their DOPA codes. */
import { currentLanguage } from './i18n.js';
import { state } from './state.js';

const nameOf = (place) => (currentLanguage() === 'th' ? place.th : place.en);

const byName = (places) =>
  places
    .map((place) => [place.code, nameOf(place)])
    .sort((a, b) => a[1].localeCompare(b[1], currentLanguage()));

/** [code, name] of every province, sorted by name. */
export const provinceOptions = () => byName(state.meta.provinces || []);

/** [code, name] of a province's districts, sorted by name; none for an unknown province. */
export function districtOptions(provinceCode) {
  const province = (state.meta.provinces || []).find((p) => p.code === provinceCode);
  return province ? byName(province.districts) : [];
}

/** A province's name, or the code when it is not one (data older than the directory). */
export function provinceName(code) {
  const province = (state.meta.provinces || []).find((p) => p.code === code);
  return province ? nameOf(province) : code;
}

const PREFIX = /^(จังหวัด|จ\.)\s*/;

/**
 * Provinces as staff write them, names (Thai or English) or codes, comma-separated: the codes, and
 * what matched no province.
 */
export function provinceCodesOf(text) {
  const provinces = state.meta.provinces || [];
  const codes = [];
  const unknown = [];
  for (const raw of text.split(/[,\n]/)) {
    const written = raw.trim().replace(PREFIX, '').toLowerCase();
    if (!written) continue;
    const found = provinces.find(
      (p) => p.code === written || p.th === written || p.en.toLowerCase() === written,
    );
    // A two-digit code the directory does not know is kept: dropping it would take a province away.
    const code = found ? found.code : /^\d{2}$/.test(written) ? written : null;
    if (code && !codes.includes(code)) codes.push(code);
    if (!code) unknown.push(raw.trim());
  }
  return { codes, unknown };
}

/** Province codes as names, comma-separated, for a field staff can edit. */
export const provinceNames = (codes) => codes.map(provinceName).join(', ');
