import { Router } from 'express';
import type { LineApi } from '../line/line-api';
import { apiRoute } from '../staff/api-route';
import { staffContext, type StaffDeps } from '../staff/context';
import { quotaSpend, spendView } from './spend';

/** GET /api/quota: what this month's LINE quota went on and how long the rest lasts (the dashboard). */
export function quotaRouter(deps: StaffDeps & { lineApi: LineApi }): Router {
  const context = staffContext(deps);
  const router = Router();
  apiRoute(
    router,
    context,
    {
      method: 'get',
      path: '/api/quota',
      summary:
        "This month's LINE quota: used by kind (status updates, broadcasts, hand-off answers), per case, days left at the current rate, and whether status updates are at risk",
      tags: ['dashboard'],
      access: 'dashboard.read',
      responses: { 200: { description: 'The figures', schema: spendView } },
    },
    async (_req, res) => {
      res.json(await quotaSpend(deps.connection, deps.lineApi, context.clock()));
    },
  );
  return router;
}
