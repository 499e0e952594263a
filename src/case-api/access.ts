import type { Request } from 'express';
import type { QueryFilter } from 'mongoose';
import type { Case } from '../cases/case-schema';
import type { Actor } from '../cases/case-service';
import { PublicError } from '../errors';
import { staffOf } from '../staff/middleware';
import { can, caseScope } from '../staff/permissions';
import { caseFilter } from './filters';
import type { CaseFilterQuery } from './schemas';

/** The signed-in staff member as the case service sees them: who, and which cases they may touch. */
export const actorOf = (req: Request): Actor => {
  const staff = staffOf(req);
  return { id: staff.id, scope: caseScope(staff) };
};

export const seesPersonal = (req: Request) => can(staffOf(req).role, 'cases.readPersonal');

/** The filters of a list or an export within the caller's scope; searching by person needs personal access. */
export function scopedFilter(req: Request, query: CaseFilterQuery): QueryFilter<Case> {
  if (query.lineUserId && !seesPersonal(req))
    throw new PublicError(403, 'forbidden', 'Filtering by LINE user needs access to personal data.');
  return caseFilter(query, caseScope(staffOf(req)), { personal: seesPersonal(req) });
}
