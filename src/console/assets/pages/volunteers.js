/* Volunteer registrations and active volunteers: the staff API has no volunteer routes yet. */
import { t } from '../i18n.js';
import { notAvailable } from './unavailable.js';

export async function render() {
  return notAvailable(t('volunteers.title'), t('nav.volunteers'));
}
