import type { QueryFilter } from 'mongoose';
import type { Case } from '../cases/case-schema';
import { normaliseKeyword } from '../cases/keywords';
import { byUser, inProvinces, scopeFilter } from '../cases/case-scope';
import type { CaseScope } from '../staff/permissions';
import type { CaseFilterQuery } from './schemas';

const escapeRegex = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** What a reader without personal data may search: the reference, the category and the resolved place. */
const PUBLIC_SEARCH_FIELDS = [
  'reference',
  'category',
  'location.resolved.province',
  'location.resolved.provinceEn',
  'location.resolved.district',
  'location.resolved.districtEn',
];

/**
 * The MongoDB filter for the staff API's filters and the caller's scope; the same for the list
 * and the exports. Free text: every word must start one of the case's normalised keywords
 * (anchored, escaped regexes: the subset has no text index). The keywords hold names, phones,
 * addresses and description words, so a reader who may not see those searches only the public
 * fields: otherwise a search would tell them whether a name is on a case.
 */
export function caseFilter(
  query: CaseFilterQuery,
  scope: CaseScope,
  options: { personal: boolean } = { personal: true },
): QueryFilter<Case> {
  const and: QueryFilter<Case>[] = [];
  if (query.status) and.push({ status: { $in: query.status } });
  if (query.category) and.push({ category: { $in: query.category } });
  if (query.province) and.push(inProvinces(query.province));
  if (query.priority) and.push({ 'priority.level': { $in: query.priority } });
  if (query.assignee === 'none') and.push({ assigneeId: { $exists: false } });
  else if (query.assignee) and.push({ assigneeId: query.assignee });
  if (query.lineUserId) and.push(byUser(query.lineUserId));
  if (query.from || query.to)
    and.push({
      createdAt: { ...(query.from ? { $gte: query.from } : {}), ...(query.to ? { $lt: query.to } : {}) },
    });
  if (query.q) {
    const words = normaliseKeyword(query.q).split(' ').filter(Boolean).slice(0, 8);
    for (const word of words) {
      const start = escapeRegex(word);
      and.push(
        options.personal
          ? { keywords: { $regex: `^${start}` } }
          : {
              $or: PUBLIC_SEARCH_FIELDS.map((field) => ({
                [field]: { $regex: `(^|\\s)${start}`, $options: 'i' },
              })),
            },
      );
    }
  }
  if (!scope.all) and.push(scopeFilter(scope));
  return and.length === 0 ? {} : and.length === 1 ? and[0]! : { $and: and };
}

/** Newest first; the cursor is the last item's creation time and reference, stable while cases arrive. */
export function encodeCursor(item: { createdAt: Date; reference: string }): string {
  return Buffer.from(`${item.createdAt.getTime()}|${item.reference}`).toString('base64url');
}

export function cursorFilter(cursor: string): QueryFilter<Case> | null {
  const [ms, reference] = Buffer.from(cursor, 'base64url').toString().split('|');
  if (!ms || !/^\d+$/.test(ms) || !reference || !/^NL-\d{4}-\d{6,}$/.test(reference)) return null;
  const at = new Date(Number(ms));
  return { $or: [{ createdAt: { $lt: at } }, { createdAt: at, reference: { $lt: reference } }] };
}

export const CASE_SORT = { createdAt: -1, reference: -1 } as const;
