import { Router } from 'express';
import type { Connection } from 'mongoose';
import { z } from 'zod';
import { PublicError } from '../errors';
import type { ApiRegistry } from '../http/openapi';
import type { Logger } from '../logger';
import { apiRoute } from '../staff/api-route';
import { staffContext } from '../staff/context';
import { fillDemoData, hasDemoData, removeDemoData } from './demo-data';

export type DemoRouterDeps = {
  connection: Connection;
  logger: Logger;
  api: ApiRegistry;
  /** Demo data only ever goes into a sandbox: with a real LINE channel the routes refuse. */
  sandbox: boolean;
};

const statusSchema = z.object({
  /** True in sandbox mode (no LINE credentials): demo data may be added. */
  available: z.boolean(),
  loaded: z.boolean(),
});

/**
 * The sandbox's demo data, for `npm run demo` and the button on an empty console dashboard. Adding
 * and removing are for admins, and both are in the audit log.
 */
export function demoRouter(deps: DemoRouterDeps): Router {
  const router = Router();
  const context = staffContext({ connection: deps.connection, logger: deps.logger, api: deps.api });
  // One fill at a time in this instance; a second instance is stopped by `loaded` below.
  let filling: Promise<unknown> | undefined;
  const refuseOutsideSandbox = () => {
    if (!deps.sandbox)
      throw new PublicError(409, 'not_sandbox', 'Demo data is only for the sandbox (no LINE credentials).');
  };

  apiRoute(
    router,
    context,
    {
      method: 'get',
      path: '/api/demo',
      summary: 'Whether demo data may be added (sandbox mode) and whether it is there.',
      tags: ['demo'],
      access: 'dashboard.read',
      responses: { 200: { description: 'Demo data status', schema: statusSchema } },
    },
    async (_req, res) => {
      res.json({ available: deps.sandbox, loaded: await hasDemoData(deps.connection) });
    },
  );

  apiRoute(
    router,
    context,
    {
      method: 'post',
      path: '/api/demo',
      summary:
        'Fills the sandbox with generated demo data: a few hundred cases in every status over several provinces (Khao Kho the densest), photos, volunteers, broadcasts, a hand-off and consented stories. Sandbox only.',
      tags: ['demo'],
      access: 'staff.manage',
      responses: {
        201: { description: 'What was added' },
        409: { description: 'Not a sandbox, or already there' },
      },
    },
    async (req, res) => {
      refuseOutsideSandbox();
      if (filling || (await hasDemoData(deps.connection)))
        throw new PublicError(409, 'already_loaded', 'Demo data is already there: remove it first.');
      const run = fillDemoData(deps.connection, { staffId: req.staff?.id });
      filling = run;
      try {
        const summary = await run;
        await context.audit.recordRequest(req, 'demo.fill', null, { cases: summary.cases });
        deps.logger.info({ cases: summary.cases }, 'demo data added');
        res.status(201).json(summary);
      } finally {
        filling = undefined;
      }
    },
  );

  apiRoute(
    router,
    context,
    {
      method: 'delete',
      path: '/api/demo',
      summary: 'Removes every document of the demo data (and nothing else). Sandbox only.',
      tags: ['demo'],
      access: 'staff.manage',
      responses: { 200: { description: 'How many documents were removed, per collection' } },
    },
    async (req, res) => {
      refuseOutsideSandbox();
      const removed = await removeDemoData(deps.connection);
      await context.audit.recordRequest(req, 'demo.remove', null, removed);
      res.json({ removed });
    },
  );
  return router;
}
