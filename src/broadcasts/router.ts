import express, { Router } from 'express';
import type { Connection } from 'mongoose';
import type { ApiRegistry } from '../http/openapi';
import type { LineApi } from '../line/line-api';
import type { Logger } from '../logger';
import { apiRoute } from '../staff/api-route';
import { staffContext } from '../staff/context';
import { staffOf } from '../staff/middleware';
import { broadcastContext, type BroadcastOptions } from './context';
import type { RateLimiter } from './rate-limiter';
import { runBroadcast } from './runner';
import { broadcastParams, createBroadcastBody, listBroadcastsQuery } from './schemas';
import { broadcastDetail, broadcastView, cancelBroadcast, createBroadcast, listBroadcasts } from './service';

export const BROADCAST_AUDIT = { create: 'broadcast.create', cancel: 'broadcast.cancel' } as const;

export type BroadcastRouterDeps = {
  connection: Connection;
  api: ApiRegistry;
  lineApi: LineApi;
  logger: Logger;
  clock?: () => Date;
  instanceId?: string;
  options?: Partial<BroadcastOptions>;
  limiter?: RateLimiter;
};

const TAGS = ['broadcasts'];

/**
 * The staff API for broadcasts. A broadcast due now starts in the background at once; scheduled
 * ones (and any interrupted run) are picked up by `runDueBroadcasts` from the scheduled job.
 */
export function broadcastRouter(deps: BroadcastRouterDeps): Router {
  const staff = staffContext({
    connection: deps.connection,
    logger: deps.logger,
    api: deps.api,
    clock: deps.clock,
  });
  const ctx = broadcastContext({ ...deps, clock: staff.clock });
  const router = Router();
  router.use('/api/broadcasts', express.json({ limit: '100kb' }));

  apiRoute(
    router,
    staff,
    {
      method: 'post',
      path: '/api/broadcasts',
      summary:
        'Create a broadcast (or, with dryRun, only report its audience, cost and the quota). Refused with 409 quota_exceeded when it would exceed what is left of the month after the reserve for case status updates, unless an admin sets overrideQuota.',
      tags: TAGS,
      access: 'broadcasts.send',
      schemas: { body: createBroadcastBody },
      responses: {
        200: { description: 'Dry run: the estimate' },
        201: { description: 'Created: the broadcast and its estimate' },
        409: { description: 'quota_exceeded' },
      },
    },
    async (req, res, { body }) => {
      const actor = staffOf(req);
      const { broadcast, estimate } = await createBroadcast(ctx, body, { id: actor.id, role: actor.role });
      if (!broadcast) {
        res.json({ dryRun: true, estimate });
        return;
      }
      await staff.audit.recordRequest(
        req,
        BROADCAST_AUDIT.create,
        { type: 'broadcast', id: broadcast._id },
        {
          audience: broadcast.audience.type as string,
          recipients: estimate.messages,
          scheduledAt: broadcast.scheduledAt.toISOString(),
          quotaOverridden: broadcast.quotaOverriddenBy !== null,
        },
      );
      if (broadcast.scheduledAt <= staff.clock()) {
        runBroadcast({ ...deps, clock: staff.clock, instanceId: ctx.owner }, broadcast._id).catch(
          (error: unknown) =>
            deps.logger.error(
              { broadcastId: broadcast._id, err: String(error) },
              'broadcast run failed; the job resumes it',
            ),
        );
      }
      res.status(201).json({ broadcast: broadcastView(broadcast), estimate });
    },
  );

  apiRoute(
    router,
    staff,
    {
      method: 'get',
      path: '/api/broadcasts',
      summary: 'Broadcasts, newest first, with chunk counts',
      tags: TAGS,
      access: 'broadcasts.send',
      schemas: { query: listBroadcastsQuery },
    },
    async (_req, res, { query }) => {
      res.json({ items: await listBroadcasts(ctx, query) });
    },
  );

  apiRoute(
    router,
    staff,
    {
      method: 'get',
      path: '/api/broadcasts/:id',
      summary: 'A broadcast: status, progress and each chunk (queued, sent, failed, skipped)',
      tags: TAGS,
      access: 'broadcasts.send',
      schemas: { params: broadcastParams },
      responses: { 200: { description: 'The broadcast' }, 404: { description: 'broadcast_not_found' } },
    },
    async (_req, res, { params }) => {
      res.json(await broadcastDetail(ctx, params.id));
    },
  );

  apiRoute(
    router,
    staff,
    {
      method: 'post',
      path: '/api/broadcasts/:id/cancel',
      summary: 'Cancel a scheduled broadcast that has not started',
      tags: TAGS,
      access: 'broadcasts.send',
      schemas: { params: broadcastParams },
      responses: {
        200: { description: 'Cancelled' },
        404: { description: 'broadcast_not_found' },
        409: { description: 'broadcast_started' },
      },
    },
    async (req, res, { params }) => {
      const broadcast = await cancelBroadcast(ctx, params.id);
      await staff.audit.recordRequest(req, BROADCAST_AUDIT.cancel, { type: 'broadcast', id: broadcast._id });
      res.json({ broadcast: broadcastView(broadcast) });
    },
  );

  return router;
}
