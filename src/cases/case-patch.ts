import { z } from 'zod';
import { objectIdSchema } from '../staff/schemas';
import { CASE_STATUSES, PRIORITY_LEVELS } from './case-schema';

/** What staff may change on a case in one step: the case service's input, the API's body. */
export const referenceSchema = z
  .string()
  .regex(/^NL-\d{4}-\d{6,}$/, { error: 'must be a case reference such as NL-2569-000123' });

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

export const calendarDate = z
  .string()
  .regex(DATE_ONLY, { error: 'must be a date as YYYY-MM-DD' })
  .refine(
    (value) => {
      const day = new Date(`${value}T00:00:00Z`);
      return !Number.isNaN(day.getTime()) && day.toISOString().startsWith(value);
    },
    {
      error: 'is not a real calendar date',
    },
  );

export const patchCaseBody = z
  .strictObject({
    status: z.enum(CASE_STATUSES).optional(),
    priority: z.enum(PRIORITY_LEVELS).optional(),
    assigneeId: objectIdSchema.nullable().optional().describe('staff id; null unassigns'),
    visitDate: calendarDate.optional(),
    reason: z.string().trim().min(1).max(1000).optional().describe('required when declining'),
    duplicateOf: referenceSchema.optional().describe('required when marking a duplicate'),
    notify: z
      .boolean()
      .optional()
      .describe(
        'whether the reporter is sent a card for this status change (a push costs LINE quota). Default: true for a visit (or a new date), approved, declined, completed, duplicate, withdrawn and a reopened case; false for reviewing, assessed and in progress. false is refused for a visit and an ending',
      ),
  })
  .refine(
    (b) =>
      b.status !== undefined ||
      b.priority !== undefined ||
      b.assigneeId !== undefined ||
      b.visitDate !== undefined,
    {
      error: 'give at least one of status, priority, assigneeId, visitDate',
    },
  );
export type PatchCaseBody = z.output<typeof patchCaseBody>;
