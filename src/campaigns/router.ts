import express, { Router, type Request } from 'express';
import type { i18n } from 'i18next';
import type { Flow } from '../conversation';
import { z } from 'zod';
import { apiRoute } from '../staff/api-route';
import { staffContext, type StaffContext, type StaffDeps } from '../staff/context';
import { staffOf } from '../staff/middleware';
import { can } from '../staff/permissions';
import { createCampaigns, presentCampaign, volunteerNames } from './campaigns';
import type { CampaignDoc } from './model';
import {
  campaignIdParams,
  campaignListItem,
  campaignView,
  createCampaignBody,
  updateCampaignBody,
} from './schemas';
import { campaignScope } from './scope';
import { resultRoutes } from './result-routes';
import { surveyRoutes } from './survey-routes';
import type { LineApi } from '../line/line-api';
import { reconcileMenus } from './volunteer-menus';
import { surveyCounts } from './results';

export type CampaignRouterDeps = StaffDeps & {
  /** The engine's flows: the export's columns are the survey flow's questions. */
  flows: Record<string, Flow>;
  i18n: i18n;
  /** LINE, to give assigned volunteers "Survey a household" on their menu at once (the job catches up). */
  lineApi?: LineApi;
};

const TAGS = ['campaigns'];

/**
 * Baseline survey campaigns for staff: coordinators and admins create and change them; every role reads
 * those of its provinces (see scope.ts). Volunteers' names are shown to those who manage volunteers, and
 * that read is audited.
 */
export function campaignRouter(deps: CampaignRouterDeps): Router {
  const context = staffContext(deps);
  const campaigns = createCampaigns(deps.connection, context.clock);
  const router = Router();
  router.use('/api/campaigns', express.json({ limit: '100kb' }));
  const scopeOf = (req: Request) => campaignScope(staffOf(req));
  const syncMenus = async (volunteers: CampaignDoc['volunteers']) => {
    if (deps.lineApi)
      await reconcileMenus(
        { connection: deps.connection, lineApi: deps.lineApi, logger: deps.logger },
        volunteers.map((v) => v.lineUserId),
        context.clock(),
      );
  };

  apiRoute(
    router,
    context,
    {
      method: 'get',
      path: '/api/campaigns',
      summary: 'Survey campaigns within your provinces, newest first, with households surveyed so far',
      tags: TAGS,
      access: 'campaigns.read',
      responses: {
        200: { description: 'Campaigns', schema: z.object({ items: z.array(campaignListItem) }) },
      },
    },
    async (req, res) => {
      const items = await campaigns.list(scopeOf(req));
      const counts = await surveyCounts(
        deps.connection,
        items.map((c) => c._id),
      );
      res.json({
        items: items.map((c) => ({ ...presentCampaign(c, context.clock()), ...counts.get(c._id)! })),
      });
    },
  );

  apiRoute(
    router,
    context,
    {
      method: 'post',
      path: '/api/campaigns',
      summary: 'Create a campaign: area, villages with household targets, dates, survey flow, volunteers',
      tags: TAGS,
      access: 'campaigns.manage',
      schemas: { body: createCampaignBody },
      responses: {
        201: { description: 'Created', schema: campaignView },
        403: { description: 'The area is outside your provinces' },
        409: { description: 'A volunteer is not approved' },
      },
    },
    async (req, res, { body }) => {
      const created = await campaigns.create(body, scopeOf(req), staffOf(req).id);
      await syncMenus(created.volunteers);
      await context.audit.recordRequest(req, 'campaign.create', { type: 'campaign', id: created._id });
      res.status(201).json(await withNames(req, context, deps, created));
    },
  );

  apiRoute(
    router,
    context,
    {
      method: 'get',
      path: '/api/campaigns/:id',
      summary: 'One campaign',
      tags: TAGS,
      access: 'campaigns.read',
      schemas: { params: campaignIdParams },
      responses: {
        200: { description: 'The campaign', schema: campaignView },
        404: { description: 'Not found' },
      },
    },
    async (req, res, { params }) => {
      const campaign = await campaigns.load(params.id, scopeOf(req));
      res.json(await withNames(req, context, deps, campaign));
    },
  );

  apiRoute(
    router,
    context,
    {
      method: 'patch',
      path: '/api/campaigns/:id',
      summary: 'Change a campaign: name, dates, villages and targets, volunteers assigned',
      tags: TAGS,
      access: 'campaigns.manage',
      schemas: { params: campaignIdParams, body: updateCampaignBody },
      responses: {
        200: { description: 'Changed', schema: campaignView },
        404: { description: 'Not found' },
        409: { description: 'A volunteer is not approved, or a village removed has surveys' },
      },
    },
    async (req, res, { params, body }) => {
      const before = await campaigns.load(params.id, scopeOf(req));
      const updated = await campaigns.update(params.id, body, scopeOf(req));
      await syncMenus([...before.volunteers, ...updated.volunteers]);
      await context.audit.recordRequest(
        req,
        'campaign.update',
        { type: 'campaign', id: params.id },
        {
          fields: Object.keys(body),
        },
      );
      res.json(await withNames(req, context, deps, updated));
    },
  );

  resultRoutes(router, context, deps, campaigns);
  surveyRoutes(router, context, deps.connection, campaigns);
  return router;
}

async function withNames(req: Request, context: StaffContext, deps: StaffDeps, campaign: CampaignDoc) {
  const now = context.clock();
  if (!can(staffOf(req).role, 'volunteers.manage') || campaign.volunteers.length === 0)
    return presentCampaign(campaign, now);
  const names = await volunteerNames(
    deps.connection,
    campaign.volunteers.map((v) => v.volunteerId),
  );
  await context.audit.personalDataRead(req, { type: 'campaign', id: campaign._id }, ['volunteers.name']);
  return presentCampaign(campaign, now, names);
}
