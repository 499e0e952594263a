import type { MenuKey } from '../richmenus';
import { isRunning, type CampaignDoc } from './model';

export type MenuSubject = {
  /** The person has an approved volunteer registration. */
  volunteer: boolean;
  /** The campaigns the person is assigned to (their dates are enough). */
  campaigns: Pick<CampaignDoc, 'startsOn' | 'endsOn'>[];
};

/**
 * Which rich menu a person should have now: the survey variant while they are an approved volunteer
 * assigned to a campaign that runs today (Bangkok calendar), the volunteer menu while approved, the
 * default (resident) menu otherwise. Pure: the reconcile reads the subject and links the answer.
 */
export function menuFor(subject: MenuSubject, now: Date): MenuKey {
  if (!subject.volunteer) return 'resident';
  return subject.campaigns.some((campaign) => isRunning(campaign, now)) ? 'volunteer-survey' : 'volunteer';
}
