import { z } from 'zod';
import { CASE_STATUSES, CATEGORIES, HOUSEHOLD_QUESTIONS, PRIORITY_LEVELS } from '../cases/case-schema';
import { objectIdSchema } from '../staff/schemas';
import { calendarDate, patchCaseBody, referenceSchema } from '../cases/case-patch';

export { calendarDate, patchCaseBody, referenceSchema };

export const referenceParams = z.strictObject({ reference: referenceSchema });
export const mediaParams = z.strictObject({ id: z.string().min(1).max(200) });

const listOf = <T extends readonly [string, ...string[]]>(values: T, what: string) =>
  z
    .string()
    .max(500)
    .transform((value) => value.split(',').map((v) => v.trim()))
    .pipe(z.array(z.enum(values, { error: `must be ${what}: ${values.join(', ')}` })).min(1))
    .describe(`comma-separated ${what}`);

const BANGKOK = '+07:00';
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** A date (a whole Bangkok day) or an ISO date-time; `end` moves a date-only bound to the day after. */
const instant = (end: boolean) =>
  z
    .string()
    .refine((value) => DATE_ONLY.test(value) || !Number.isNaN(Date.parse(value)), {
      error: 'must be a date (YYYY-MM-DD) or an ISO 8601 date-time',
    })
    .transform((value) => {
      if (!DATE_ONLY.test(value)) return new Date(value);
      const day = new Date(`${value}T00:00:00${BANGKOK}`);
      return end ? new Date(day.getTime() + 86_400_000) : day;
    });

export const caseFilterQuery = z.strictObject({
  status: listOf(CASE_STATUSES, 'statuses').optional(),
  category: listOf(CATEGORIES, 'categories').optional(),
  province: z
    .string()
    .max(300)
    .transform((value) => value.split(',').map((v) => v.trim()))
    .pipe(z.array(z.string().regex(/^\d{2}$/, { error: 'must be 2-digit DOPA province codes' })).min(1))
    .optional()
    .describe('comma-separated DOPA province codes, e.g. 50,57'),
  priority: listOf(PRIORITY_LEVELS, 'priority levels').optional(),
  assignee: z
    .union([z.literal('none'), objectIdSchema])
    .optional()
    .describe('staff id, or "none" for unassigned cases'),
  lineUserId: z.string().min(1).max(200).optional().describe('reporter or volunteer LINE user id'),
  from: instant(false).optional().describe('created at or after (a date is a whole Bangkok day)'),
  to: instant(true).optional().describe('created before (a date includes that whole day)'),
  q: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .describe('words that start a reference, name, place or description word'),
});
export type CaseFilterQuery = z.output<typeof caseFilterQuery>;

export const listCasesQuery = caseFilterQuery.extend({
  cursor: z
    .string()
    .max(200)
    .regex(/^[A-Za-z0-9_-]+$/, { error: 'is not a cursor from a previous page' })
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** The languages an export's header row and coded cells (status, category, priority) can be written in. */
export const EXPORT_LANGUAGES = ['th', 'en', 'hmn'] as const;
export type ExportLanguage = (typeof EXPORT_LANGUAGES)[number];

export const exportQuery = caseFilterQuery.extend({
  hxl: z
    .enum(['0', '1'])
    .optional()
    .describe(
      '1 adds an HXL hashtag row under the header, for data tools: coded cells (status, category, priority, reported by) then stay codes',
    ),
  lang: z
    .enum(EXPORT_LANGUAGES)
    .default('th')
    .describe(
      'language of the CSV/XLSX header row and of its status, category, priority and reported-by cells (th, en or hmn); GeoJSON keys do not change',
    ),
});

export const noteBody = z.strictObject({
  text: z.string().trim().min(1).max(5000),
  visibility: z.enum(['internal', 'reporter']).default('internal'),
});

export const mergeBody = z
  .strictObject({ from: referenceSchema, into: referenceSchema })
  .refine((b) => b.from !== b.into, { error: 'a case cannot be merged into itself', path: ['into'] });

export const dismissBody = z
  .strictObject({ reference: referenceSchema, of: referenceSchema })
  .refine((b) => b.reference !== b.of, { error: 'must name two different cases', path: ['of'] });

export const dashboardQuery = z.strictObject({
  weeks: z.coerce.number().int().min(1).max(104).default(12),
});

const timelineView = z.object({
  at: z.string(),
  kind: z.string(),
  actor: z.string(),
  from: z.string().optional(),
  to: z.string().optional(),
  text: z.string().optional(),
  visibility: z.string().optional(),
  mediaIds: z.array(z.string()).optional(),
  reference: z.string().optional(),
});

export const caseItemView = z.object({
  reference: z.string(),
  status: z.enum(CASE_STATUSES),
  category: z.enum(CATEGORIES),
  priority: z.object({
    level: z.enum(PRIORITY_LEVELS),
    score: z.number(),
    /** True while the score rests on partial household answers (see `missingAnswers`). */
    partial: z.boolean(),
  }),
  /**
   * Household questions without an answer yet (size, vulnerable, tenure, headName): a short report gets
   * its reference first and its household questions after; staff ask the rest at the visit.
   */
  missingAnswers: z.array(z.enum(HOUSEHOLD_QUESTIONS)),
  province: z.object({
    code: z.string().nullable(),
    name: z.string().nullable(),
    district: z.string().nullable(),
  }),
  assigneeId: z.string().nullable(),
  visitDate: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  duplicateFlags: z.number(),
  /** Set once the personal data was erased: nobody can be contacted about the case any more. */
  erasedAt: z.string().nullable(),
  erasureReason: z.enum(['retention', 'consent_withdrawn', 'person_request']).nullable(),
  masked: z.boolean(),
  personal: z
    .object({
      headName: z.string().nullable(),
      phone: z.string().nullable(),
      lat: z.number().nullable(),
      lng: z.number().nullable(),
      village: z.string().nullable(),
      /** The name and address LINE's app put on a shared location. */
      sharedPlace: z.string().nullable(),
      description: z.string().nullable(),
      reporterLineUserId: z.string(),
      volunteerLineUserId: z.string().nullable(),
    })
    .nullable(),
});

export const caseDetailView = caseItemView.extend({
  /** The language the report was made in: the reporter's cards are previewed in it. */
  language: z.string(),
  /** Null where the household question has no answer yet (it is then in `missingAnswers`). */
  household: z.object({
    size: z.number().nullable(),
    vulnerable: z.array(z.string()),
    tenure: z.string().nullable(),
  }),
  priorityFactors: z.array(z.object({ key: z.string(), points: z.number() })),
  /** The household answers the priority score could not count yet. */
  priorityMissing: z.array(z.string()),
  declineReason: z.string().nullable(),
  duplicateOf: z.string().nullable(),
  possibleDuplicateOf: z.array(z.object({ reference: z.string(), reasons: z.array(z.string()) })),
  timeline: z.array(timelineView),
  media: z.array(z.object({ id: z.string(), url: z.string(), kind: z.string().nullable() })),
  messages: z.array(
    z.object({
      direction: z.enum(['out', 'in']),
      at: z.string(),
      to: z.string().optional(),
      purpose: z.string().optional(),
      status: z.string().optional(),
      text: z.string().nullable(),
    }),
  ),
  feedback: z.array(
    z.object({
      rating: z.number().nullable(),
      /** Null for readers without personal data. */
      comment: z.string().nullable(),
      reopenRequestedAt: z.string().nullable(),
      at: z.string(),
    }),
  ),
});

export const pageView = z.object({ items: z.array(caseItemView), nextCursor: z.string().nullable() });
