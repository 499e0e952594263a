import express, { Router } from 'express';
import { Types } from 'mongoose';
import { z } from 'zod';
import { AUDIT_ACTIONS, requestActor } from './audit-log';
import { PublicError } from '../errors';
import { apiRoute } from './api-route';
import { staffContext, type StaffDeps } from './context';
import { revokeCredential } from './credentials';
import { staffOf } from './middleware';
import { permissionsOf } from './permissions';
import { loginBody, loginResponse } from './schemas';

/** Someone is guessing a staff member's password: admins are told (wired by the service). */
export type LoginGuess = { staffId: string; email: string; failures: number; since: Date; at: Date };
export type OnLoginGuessed = (guess: LoginGuess) => Promise<void>;

/** POST /api/auth/login, POST /api/auth/logout, GET /api/auth/me */
export function authRouter(deps: StaffDeps, onLoginGuessed: OnLoginGuessed): Router {
  const context = staffContext(deps);
  const { auth, audit } = context;
  const router = Router();
  router.use('/api/auth', express.json({ limit: '100kb' }));

  apiRoute(
    router,
    context,
    {
      method: 'post',
      path: '/api/auth/login',
      summary: 'Sign in with email and password; returns a bearer token (8 h, sliding)',
      tags: ['auth'],
      access: 'public',
      schemas: { body: loginBody },
      responses: {
        200: { description: 'Signed in', schema: loginResponse },
        401: { description: 'Wrong email or password (the same answer for unknown emails)' },
        429: { description: 'Too many failed attempts for this email or address; see Retry-After' },
      },
    },
    async (req, res, { body }) => {
      const result = await auth.login({ ...body, ip: req.ip ?? 'unknown' });
      if (!result.ok && result.reason === 'locked') {
        const seconds = Math.max(1, Math.ceil((result.until.getTime() - context.clock().getTime()) / 1000));
        res.setHeader('Retry-After', String(seconds));
        throw new PublicError(429, 'too_many_attempts', 'Too many failed sign-ins. Try again later.', {
          retryAfterSeconds: seconds,
        });
      }
      const base = requestActor(req);
      if (!result.ok) {
        await audit.record({
          ...base,
          actor: { id: result.staffId, kind: 'anonymous' },
          action: AUDIT_ACTIONS.loginFailed,
          target: result.staffId ? { type: 'staff', id: result.staffId } : null,
        });
        if (result.staffId && result.guessedSince)
          await tellAdminsOfGuessing(result.staffId, result.guessedSince, base);
        throw new PublicError(401, 'invalid_credentials', 'Wrong email or password.');
      }
      const staffId = result.staff._id.toHexString();
      await audit.record({
        ...base,
        actor: { id: staffId, kind: 'session', credentialId: result.sessionId },
        action: AUDIT_ACTIONS.login,
        target: { type: 'staff', id: staffId },
      });
      res.json({
        token: result.token,
        expiresAt: result.expiresAt.toISOString(),
        staff: { id: staffId, email: result.staff.email, name: result.staff.name, role: result.staff.role },
      });
    },
  );

  /** Once per window of failures: in the audit log, and in every admin's notifications. */
  async function tellAdminsOfGuessing(
    staffId: string,
    since: Date,
    base: ReturnType<typeof requestActor>,
  ): Promise<void> {
    const failures = auth.limits.alertAt;
    await audit.record({
      ...base,
      actor: { id: null, kind: 'anonymous' },
      action: AUDIT_ACTIONS.loginGuessed,
      target: { type: 'staff', id: staffId },
      details: { failures, since: since.toISOString() },
    });
    const target = await context.models.Staff.findById(staffId, { email: 1 }).lean();
    await onLoginGuessed({ staffId, email: target?.email ?? '', failures, since, at: context.clock() });
  }

  apiRoute(
    router,
    context,
    {
      method: 'post',
      path: '/api/auth/logout',
      summary: 'Revoke the token this request presents',
      tags: ['auth'],
      access: 'staff',
      responses: { 204: { description: 'Signed out' } },
    },
    async (req, res) => {
      const staff = staffOf(req);
      await revokeCredential(context.models, new Types.ObjectId(staff.credential.id));
      await audit.recordRequest(req, AUDIT_ACTIONS.logout, { type: 'staff', id: staff.id });
      res.status(204).end();
    },
  );

  apiRoute(
    router,
    context,
    {
      method: 'get',
      path: '/api/auth/me',
      summary: 'Who the token belongs to, with their permissions',
      tags: ['auth'],
      access: 'staff',
      responses: {
        200: {
          description: 'The signed-in staff member',
          schema: z.object({
            staff: z.object({
              id: z.string(),
              email: z.string(),
              name: z.string(),
              role: z.string(),
              provinces: z.array(z.string()),
            }),
            permissions: z.array(z.string()),
            credential: z.object({ kind: z.enum(['session', 'api']), expiresAt: z.string().nullable() }),
          }),
        },
      },
    },
    (req, res) => {
      const { credential, ...staff } = staffOf(req);
      res.json({
        staff,
        permissions: permissionsOf(staff.role),
        credential: { kind: credential.kind, expiresAt: credential.expiresAt?.toISOString() ?? null },
      });
    },
  );

  return router;
}
