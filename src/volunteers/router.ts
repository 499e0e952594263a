import express, { Router } from 'express';
import { z } from 'zod';
import { referenceSchema } from '../case-api/schemas';
import { apiRoute } from '../staff/api-route';
import { staffContext, type StaffDeps } from '../staff/context';
import { staffOf } from '../staff/middleware';
import { createVolunteerDecisions } from './decisions';
import type { VolunteerDeps } from './deps';
import { volunteerModels, type VolunteerDoc } from './model';

export type VolunteerRouterDeps = StaffDeps & VolunteerDeps;

const LISTED = ['pending', 'active', 'rejected', 'revoked'] as const;

const idParams = z.object({
  id: z.string().regex(/^[\w.:-]{1,200}$/, { error: 'a volunteer registration id' }),
});
const areaView = z.object({
  provinceCode: z.string(),
  province: z.string(),
  provinceEn: z.string(),
  districtCode: z.string().optional(),
  district: z.string().optional(),
  districtEn: z.string().optional(),
});
const volunteerView = z.object({
  id: z.string(),
  lineUserId: z.string(),
  status: z.enum(['pending', 'active', 'rejected', 'revoked', 'superseded']),
  name: z.string(),
  phone: z.string(),
  organisation: z.string().nullable(),
  areas: z.array(areaView),
  areasTyped: z.string(),
  unresolvedAreas: z.array(z.string()),
  language: z.string(),
  registeredAt: z.iso.datetime(),
  decidedAt: z.iso.datetime().nullable(),
  decidedBy: z.string().nullable(),
  reason: z.string().nullable(),
  endedAt: z.iso.datetime().nullable(),
});
type VolunteerView = z.infer<typeof volunteerView>;

const present = (v: VolunteerDoc): VolunteerView => ({
  id: v._id,
  lineUserId: v.lineUserId,
  status: v.status,
  name: v.name,
  phone: v.phone,
  organisation: v.organisation ?? null,
  areas: v.areas.map((a) => ({
    provinceCode: a.provinceCode,
    province: a.province,
    provinceEn: a.provinceEn,
    ...(a.districtCode
      ? { districtCode: a.districtCode, district: a.district, districtEn: a.districtEn }
      : {}),
  })),
  areasTyped: v.areasTyped,
  unresolvedAreas: v.unresolvedAreas ?? [],
  language: v.language,
  registeredAt: v.registeredAt.toISOString(),
  decidedAt: v.decidedAt?.toISOString() ?? null,
  decidedBy: v.decidedBy ?? null,
  reason: v.reason ?? null,
  endedAt: v.endedAt?.toISOString() ?? null,
});

const changed = z.object({ volunteer: volunteerView, changed: z.boolean() });

/**
 * Staff side of volunteers: the registrations by status, approve, reject, revoke, and assigning a case
 * for a home visit. Every change is audited; reading the list (names, phones) is a personal-data read.
 */
export function volunteerRouter(deps: VolunteerRouterDeps): Router {
  const context = staffContext(deps);
  const { Volunteer } = volunteerModels(deps.connection);
  const decisions = createVolunteerDecisions({ ...deps, clock: context.clock });
  const router = Router();
  router.use(['/api/volunteers', '/api/cases'], express.json({ limit: '100kb' }));

  apiRoute(
    router,
    context,
    {
      method: 'get',
      path: '/api/volunteers',
      summary: 'Volunteer registrations with one status (default pending), newest first, with their areas',
      tags: ['volunteers'],
      access: 'volunteers.manage',
      schemas: { query: z.object({ status: z.enum(LISTED).default('pending') }) },
      responses: {
        200: { description: 'Registrations', schema: z.object({ items: z.array(volunteerView) }) },
      },
    },
    async (req, res, { query }) => {
      const items = await Volunteer.find({ status: query.status })
        .sort({ registeredAt: -1 })
        .limit(500)
        .lean<VolunteerDoc[]>();
      await context.audit.personalDataRead(req, { type: 'volunteers', id: query.status }, [
        'name',
        'phone',
        'organisation',
        'areas',
      ]);
      res.json({ items: items.map(present) });
    },
  );

  const decision = (
    action: 'approve' | 'reject' | 'revoke',
    summary: string,
    run: (
      id: string,
      actor: { id: string },
      reason?: string,
    ) => Promise<{ volunteer: VolunteerDoc; changed: boolean }>,
  ) =>
    apiRoute(
      router,
      context,
      {
        method: 'post',
        path: `/api/volunteers/:id/${action}`,
        summary,
        tags: ['volunteers'],
        access: 'volunteers.manage',
        schemas: {
          params: idParams,
          ...(action === 'reject'
            ? { body: z.object({ reason: z.string().trim().min(1).max(1000).optional() }) }
            : {}),
        },
        responses: {
          200: { description: 'Done (changed: false when it was already done)', schema: changed },
          404: { description: 'No such registration' },
          409: { description: 'The registration is in another status' },
        },
      },
      async (req, res, input) => {
        const reason = (input.body as { reason?: string } | undefined)?.reason;
        const result = await run(input.params.id, { id: staffOf(req).id }, reason);
        if (result.changed)
          await context.audit.recordRequest(
            req,
            `volunteer.${action}`,
            { type: 'volunteer', id: input.params.id },
            // The reason may describe the person: it stays on the registration, which erasure deletes.
            reason ? { withReason: true } : {},
          );
        res.json({ volunteer: present(result.volunteer), changed: result.changed });
      },
    );

  decision(
    'approve',
    'Approve a pending registration: the volunteer menu is linked and the volunteer told',
    (id, actor) => decisions.approve(id, actor),
  );
  decision(
    'reject',
    'Reject a pending registration; the person is told politely (the reason stays internal)',
    (id, actor, reason) => decisions.reject(id, actor, reason),
  );
  decision(
    'revoke',
    'End an approved volunteer: the volunteer menu is unlinked and the volunteer told',
    (id, actor) => decisions.revoke(id, actor),
  );

  apiRoute(
    router,
    context,
    {
      method: 'post',
      path: '/api/cases/:reference/assign-volunteer',
      summary:
        'Give an open case to an approved volunteer for a home visit; the volunteer is told with the household contact',
      tags: ['volunteers'],
      access: 'volunteers.manage',
      schemas: {
        params: z.object({ reference: referenceSchema }),
        body: z.object({ volunteerId: idParams.shape.id }),
      },
      responses: {
        200: {
          description: 'Assigned',
          schema: z.object({ reference: z.string(), volunteer: volunteerView }),
        },
        404: { description: 'No such case or registration' },
        409: { description: 'The case is closed or the volunteer is not active' },
      },
    },
    async (req, res, { params, body }) => {
      const { volunteer } = await decisions.assign(params.reference, body.volunteerId, {
        id: staffOf(req).id,
      });
      await context.audit.recordRequest(
        req,
        'volunteer.assign',
        { type: 'case', id: params.reference },
        { volunteerId: body.volunteerId },
      );
      res.json({ reference: params.reference, volunteer: present(volunteer) });
    },
  );

  return router;
}
