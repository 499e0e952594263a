import type { CaseStatus } from '../case-schema';

/**
 * Which lifecycle steps reach the reporter unless staff choose otherwise. Every push costs the
 * foundation a LINE message (300 a month on the free plan), so by default the reporter hears what
 * they must act on or wait for: the visit (and a new date), the decision, the completion with its
 * rating question, and the endings. Reviewing, assessed and in progress are quiet by default:
 * "My cases" shows them for free, and staff may still send one.
 */
export const TOLD_BY_DEFAULT: Readonly<Record<CaseStatus, boolean>> = {
  new: false,
  reviewing: false,
  visit_scheduled: true,
  assessed: false,
  approved: true,
  in_progress: false,
  completed: true,
  declined: true,
  duplicate: true,
  withdrawn: true,
};

/** A step and where it came from: a reopened case (completed -> reviewing) is news to its reporter. */
export type Step = { from: CaseStatus; to: CaseStatus };

/** Whether a step reaches the reporter when staff do not say (the `notify` field left out). */
export function toldByDefault(step: Step): boolean {
  if (step.from === 'completed' && step.to === 'reviewing') return true;
  return TOLD_BY_DEFAULT[step.to];
}
