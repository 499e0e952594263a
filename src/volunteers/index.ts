export {
  volunteerModels,
  VOLUNTEER_STATUSES,
  type VolunteerArea,
  type VolunteerDoc,
  type VolunteerStatus,
} from './model';
export type { VolunteerDeps } from './deps';
export { resolveAreas, type ResolvedAreas } from './areas';
export { performVolunteerEffect, registerVolunteer } from './registration';
export { casesInArea, activeVolunteer, activeVolunteerUserIds, type AreaCase } from './area-cases';
export { areaCasesMessage } from './cards';
export { createVolunteerDecisions, type VolunteerDecisions } from './decisions';
export { offerNewCase, OFFERS_PER_CASE, OFFER_QUOTA_RESERVE_PERCENT, type OfferResult } from './offers';
export { volunteerRouter, type VolunteerRouterDeps } from './router';
