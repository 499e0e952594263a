import type { QueryFilter } from 'mongoose';
import { byUser, inProvinces, scopeFilter } from '../cases/case-scope';
import type { Case } from '../cases/case-schema';
import { caseScope, type Role } from '../staff/permissions';

/**
 * Whose hand-offs a staff member sees and answers: everyone's, or those of people with at least one
 * case (as its reporter or as the volunteer who reported it) that `cases` matches. A person with no
 * case is in no province, so only the `all` scope reaches them.
 */
export type HandoffScope = { all: true } | { all: false; cases: QueryFilter<Case> };

/** Matches no case. */
const NO_CASE: QueryFilter<Case> = { _id: { $in: [] } };

/**
 * Admins see every hand-off; coordinators those of their provinces (all of them when they have
 * none, as for notifications); caseworkers those of the cases they may see (`caseScope`: assigned
 * to them or in their provinces). Viewers none: the permission table already refuses them.
 */
export function handoffScope(staff: { id: string; role: Role; provinces: string[] }): HandoffScope {
  switch (staff.role) {
    case 'admin':
      return { all: true };
    case 'coordinator':
      return staff.provinces.length === 0
        ? { all: true }
        : { all: false, cases: inProvinces(staff.provinces) };
    case 'caseworker':
      return { all: false, cases: scopeFilter(caseScope(staff)) };
    case 'viewer':
      return { all: false, cases: NO_CASE };
  }
}

/** The person's cases that bring their hand-off into the scope (every case of theirs for `all`). */
export function casesBringingHandoff(scope: HandoffScope, lineUserId: string): QueryFilter<Case> {
  const theirs = byUser(lineUserId);
  return scope.all ? theirs : { $and: [theirs, scope.cases] };
}
