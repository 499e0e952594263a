import express, { Router } from 'express';
import { Types } from 'mongoose';
import { z } from 'zod';
import { AUDIT_ACTIONS } from './audit-log';
import { PublicError } from '../errors';
import { apiRoute } from './api-route';
import { staffContext, type StaffDeps } from './context';
import { revokeStaffCredentials } from './credentials';
import type { StaffDoc } from './models';
import { hashPassword } from './password';
import {
  ROLES_WITH_PROVINCES,
  createStaffBody,
  idParams,
  listStaffQuery,
  staffView,
  updateStaffBody,
} from './schemas';
import { viewStaff } from './views';
import { isDuplicateKey } from '../db/models';

const notFound = () => new PublicError(404, 'staff_not_found', 'No staff member with this id.');

/** GET/POST /api/staff, PATCH /api/staff/:id, POST /api/staff/:id/revoke-sessions (admins) */
export function staffRouter(deps: StaffDeps): Router {
  const context = staffContext(deps);
  const { models, audit } = context;
  const router = Router();
  router.use('/api/staff', express.json({ limit: '100kb' }));

  apiRoute(
    router,
    context,
    {
      method: 'get',
      path: '/api/staff',
      summary: 'List staff accounts',
      tags: ['staff'],
      access: 'staff.manage',
      schemas: { query: listStaffQuery },
      responses: { 200: { description: 'Staff accounts', schema: z.object({ items: z.array(staffView) }) } },
    },
    async (_req, res, { query }) => {
      const filter: Partial<Pick<StaffDoc, 'role' | 'active'>> = {};
      if (query.role) filter.role = query.role;
      if (query.active) filter.active = query.active === 'true';
      const staff = await models.Staff.find(filter).sort({ email: 1 }).lean<StaffDoc[]>();
      res.json({ items: staff.map(viewStaff) });
    },
  );

  apiRoute(
    router,
    context,
    {
      method: 'post',
      path: '/api/staff',
      summary: 'Create a staff account with an initial password',
      tags: ['staff'],
      access: 'staff.manage',
      schemas: { body: createStaffBody },
      responses: {
        201: { description: 'Created', schema: staffView },
        409: { description: 'The email already has an account' },
      },
    },
    async (req, res, { body }) => {
      const { password, ...fields } = body;
      let created: StaffDoc;
      try {
        created = (
          await models.Staff.create({ ...fields, passwordHash: await hashPassword(password) })
        ).toObject();
      } catch (error) {
        if (isDuplicateKey(error))
          throw new PublicError(409, 'email_taken', 'A staff account with this email already exists.');
        throw error;
      }
      const id = created._id.toHexString();
      await audit.recordRequest(
        req,
        AUDIT_ACTIONS.staffCreated,
        { type: 'staff', id },
        { role: created.role },
      );
      res.status(201).json(viewStaff(created));
    },
  );

  apiRoute(
    router,
    context,
    {
      method: 'patch',
      path: '/api/staff/:id',
      summary:
        'Change name, role, provinces, active or password; deactivation and password resets sign the member out everywhere',
      tags: ['staff'],
      access: 'staff.manage',
      schemas: { params: idParams, body: updateStaffBody },
      responses: {
        200: { description: 'Updated', schema: staffView },
        404: { description: 'No such staff member' },
        409: { description: 'The change would leave no active admin' },
      },
    },
    async (req, res, { params, body }) => {
      const current = await models.Staff.findById(params.id).lean<StaffDoc>();
      if (!current) throw notFound();
      const role = body.role ?? current.role;
      const active = body.active ?? current.active;
      if (current.role === 'admin' && current.active && (role !== 'admin' || !active)) {
        // Without transactions two admins demoting each other at once could both pass; rare enough.
        const others = await models.Staff.countDocuments({
          role: 'admin',
          active: true,
          _id: { $ne: current._id },
        });
        if (others === 0)
          throw new PublicError(
            409,
            'last_admin',
            'This is the last active admin: appoint another admin first.',
          );
      }
      const hasProvinces = ROLES_WITH_PROVINCES.includes(role);
      const provinces = hasProvinces ? (body.provinces ?? current.provinces) : [];
      if (body.provinces && body.provinces.length > 0 && !hasProvinces)
        throw new PublicError(400, 'invalid_request', 'The request is not valid.', {
          problems: [
            { in: 'body', path: 'provinces', message: 'only caseworkers and coordinators have provinces' },
          ],
        });
      const update: Partial<StaffDoc> = { role, active, provinces };
      if (body.name !== undefined) update.name = body.name;
      if (body.password !== undefined) update.passwordHash = await hashPassword(body.password);
      const updated = await models.Staff.findByIdAndUpdate(
        current._id,
        { $set: update },
        { returnDocument: 'after' },
      ).lean<StaffDoc>();
      if (!updated) throw notFound();
      if (!active || body.password !== undefined)
        await revokeStaffCredentials(models, current._id, ['session', 'api']);
      const fields = Object.keys(body).filter((key) => body[key as keyof typeof body] !== undefined);
      await audit.recordRequest(
        req,
        AUDIT_ACTIONS.staffUpdated,
        { type: 'staff', id: params.id },
        { fields, role: updated.role, active: updated.active, provinces: updated.provinces },
      );
      res.json(viewStaff(updated));
    },
  );

  apiRoute(
    router,
    context,
    {
      method: 'post',
      path: '/api/staff/:id/revoke-sessions',
      summary:
        'Sign a staff member out of every session (their API tokens stay; revoke those in /api/tokens)',
      tags: ['staff'],
      access: 'staff.manage',
      schemas: { params: idParams },
      responses: {
        200: { description: 'Sessions revoked', schema: z.object({ revoked: z.number().int() }) },
        404: { description: 'No such staff member' },
      },
    },
    async (req, res, { params }) => {
      const staffId = new Types.ObjectId(params.id);
      if (!(await models.Staff.exists({ _id: staffId }))) throw notFound();
      const revoked = await revokeStaffCredentials(models, staffId, ['session']);
      await audit.recordRequest(
        req,
        AUDIT_ACTIONS.staffSessionsRevoked,
        { type: 'staff', id: params.id },
        { revoked },
      );
      res.json({ revoked });
    },
  );

  return router;
}
