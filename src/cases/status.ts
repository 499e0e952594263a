import { CASE_STATUSES, type CaseStatus } from './case-schema';

/** Endings; only a completed case can be reopened (back to reviewing). */
export const FINAL_STATUSES: readonly CaseStatus[] = ['completed', 'declined', 'duplicate', 'withdrawn'];

/** A case no one has closed yet: staff still owe it work, its reporter may still add to it. */
export const OPEN_STATUSES: readonly CaseStatus[] = CASE_STATUSES.filter(
  (status) => !FINAL_STATUSES.includes(status),
);

export const isOpenCase = (status: CaseStatus): boolean => !FINAL_STATUSES.includes(status);
