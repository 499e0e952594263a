import type { QueryFilter } from 'mongoose';
import type { CaseScope } from '../staff/permissions';
import type { Case } from './case-schema';

/** A person's cases: those they reported and those a volunteer reported in their name. */
export const byUser = (userId: string): QueryFilter<Case> => ({
  $or: [{ 'reporter.lineUserId': userId }, { 'volunteer.lineUserId': userId }],
});

export const inProvinces = (provinceCodes: string[]): QueryFilter<Case> => ({
  'location.resolved.provinceCode': { $in: provinceCodes },
});

/** The cases a staff member may see: all, or those assigned to them or in their provinces. */
export function scopeFilter(scope: CaseScope): QueryFilter<Case> {
  if (scope.all) return {};
  return { $or: [{ assigneeId: scope.assigneeId }, inProvinces(scope.provinces)] };
}
