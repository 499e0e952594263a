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
