import type { QueryFilter } from 'mongoose';
import type { Role } from '../staff/permissions';
import type { CampaignDoc } from './model';

/**
 * The campaigns a staff member sees: admins and viewers every one (viewers read no personal data);
 * coordinators those of their provinces (every one when they have none, as for hand-offs); caseworkers
 * those of their provinces only.
 */
export type CampaignScope = { all: true } | { all: false; provinces: string[] };

export function campaignScope(staff: { role: Role; provinces: string[] }): CampaignScope {
  switch (staff.role) {
    case 'admin':
    case 'viewer':
      return { all: true };
    case 'coordinator':
      return staff.provinces.length === 0 ? { all: true } : { all: false, provinces: staff.provinces };
    case 'caseworker':
      return { all: false, provinces: staff.provinces };
  }
}

export function scopeFilter(scope: CampaignScope): QueryFilter<CampaignDoc> {
  return scope.all ? {} : { 'area.provinceCode': { $in: scope.provinces } };
}

export function inScope(scope: CampaignScope, campaign: Pick<CampaignDoc, 'area'>): boolean {
  return scope.all || scope.provinces.includes(campaign.area.provinceCode);
}
