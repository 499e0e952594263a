import express, { Router } from 'express';
import { Types } from 'mongoose';
import { z } from 'zod';
import { AUDIT_ACTIONS } from './audit-log';
import { PublicError } from '../errors';
import { apiRoute } from './api-route';
import { staffContext, type StaffDeps } from './context';
import { createApiToken, revokeCredential } from './credentials';
import { staffOf } from './middleware';
import type { CredentialDoc, StaffDoc } from './models';
import { createTokenBody, idParams, tokenView } from './schemas';
import { viewToken } from './views';

/** POST/GET /api/tokens, DELETE /api/tokens/:id: API tokens for integrations (admins) */
export function tokensRouter(deps: StaffDeps): Router {
  const context = staffContext(deps);
  const { models, audit, clock } = context;
  const router = Router();
  router.use('/api/tokens', express.json({ limit: '100kb' }));

  apiRoute(
    router,
    context,
    {
      method: 'post',
      path: '/api/tokens',
      summary:
        'Create an API token acting as a staff account (its role applies); the token is shown only in this answer',
      tags: ['tokens'],
      access: 'tokens.manage',
      schemas: { body: createTokenBody },
      responses: {
        201: { description: 'Created', schema: tokenView.extend({ token: z.string() }) },
        404: { description: 'No active staff member with this id' },
      },
    },
    async (req, res, { body }) => {
      const admin = staffOf(req);
      const staffId = new Types.ObjectId(body.staffId ?? admin.id);
      const owner = await models.Staff.findOne({ _id: staffId, active: true }).lean<StaffDoc>();
      if (!owner) throw new PublicError(404, 'staff_not_found', 'No active staff member with this id.');
      const now = clock();
      const expiresAt = new Date(now.getTime() + body.expiresInDays * 86_400_000);
      const { token, credential } = await createApiToken(
        models,
        { name: body.name, staffId, createdBy: new Types.ObjectId(admin.id), expiresAt },
        now,
      );
      const view = viewToken(credential);
      await audit.recordRequest(
        req,
        AUDIT_ACTIONS.tokenCreated,
        { type: 'api_token', id: view.id },
        { name: view.name, staffId: view.staffId, expiresAt: view.expiresAt },
      );
      res.status(201).json({ ...view, token });
    },
  );

  apiRoute(
    router,
    context,
    {
      method: 'get',
      path: '/api/tokens',
      summary: 'List API tokens (never the tokens themselves)',
      tags: ['tokens'],
      access: 'tokens.manage',
      responses: { 200: { description: 'API tokens', schema: z.object({ items: z.array(tokenView) }) } },
    },
    async (_req, res) => {
      const tokens = await models.Credential.find({ kind: 'api' })
        .sort({ createdAt: -1 })
        .lean<CredentialDoc[]>();
      res.json({ items: tokens.map(viewToken) });
    },
  );

  apiRoute(
    router,
    context,
    {
      method: 'delete',
      path: '/api/tokens/:id',
      summary: 'Revoke an API token',
      tags: ['tokens'],
      access: 'tokens.manage',
      schemas: { params: idParams },
      responses: { 204: { description: 'Revoked' }, 404: { description: 'No such API token' } },
    },
    async (req, res, { params }) => {
      const token = await models.Credential.findOne({ _id: params.id, kind: 'api' }).lean<CredentialDoc>();
      if (!token || !(await revokeCredential(models, token._id)))
        throw new PublicError(404, 'token_not_found', 'No API token with this id.');
      await audit.recordRequest(
        req,
        AUDIT_ACTIONS.tokenRevoked,
        { type: 'api_token', id: params.id },
        {
          name: token.name ?? null,
        },
      );
      res.status(204).end();
    },
  );

  return router;
}
