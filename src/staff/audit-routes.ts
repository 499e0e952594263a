import { Router } from 'express';
import { z } from 'zod';
import { apiRoute } from './api-route';
import { staffContext, type StaffDeps } from './context';
import { objectIdSchema } from './schemas';
import { isValidCursor } from './audit-log';

const instant = z.iso
  .datetime({ offset: true, error: 'must be an ISO 8601 date-time, e.g. 2026-01-31T00:00:00Z' })
  .transform((value) => new Date(value));

export const auditQuery = z.strictObject({
  actor: objectIdSchema.optional().describe('staff id'),
  action: z.string().max(64).optional().describe('e.g. auth.login, staff.update, personal_data.read'),
  targetType: z.string().max(32).optional(),
  targetId: z.string().max(64).optional(),
  from: instant.optional().describe('inclusive'),
  to: instant.optional().describe('exclusive'),
  cursor: z
    .string()
    .max(200)
    .refine(isValidCursor, { error: 'is not a cursor from a previous page' })
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const auditEntryView = z.object({
  id: z.string(),
  at: z.string(),
  actor: z.object({
    id: z.string().nullable(),
    kind: z.enum(['session', 'api', 'system', 'anonymous']),
    credentialId: z.string().nullable(),
  }),
  action: z.string(),
  target: z.object({ type: z.string(), id: z.string() }).nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  requestId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});

/** GET /api/audit (admins): newest first, cursor-paginated. */
export function auditRouter(deps: StaffDeps): Router {
  const context = staffContext(deps);
  const router = Router();
  apiRoute(
    router,
    context,
    {
      method: 'get',
      path: '/api/audit',
      summary: 'Read the audit log, newest first',
      tags: ['audit'],
      access: 'audit.read',
      schemas: { query: auditQuery },
      responses: {
        200: {
          description: 'A page of entries; pass nextCursor as cursor for the next one',
          schema: z.object({ items: z.array(auditEntryView), nextCursor: z.string().nullable() }),
        },
      },
    },
    async (_req, res, { query }) => {
      res.json(await context.audit.list(query));
    },
  );
  return router;
}
