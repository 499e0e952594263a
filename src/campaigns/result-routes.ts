import type { Request, Router } from 'express';
import type { i18n } from 'i18next';
import { z } from 'zod';
import { CASE_STATUSES } from '../cases/case-schema';
import type { Flow } from '../conversation';
import { apiRoute } from '../staff/api-route';
import type { StaffContext, StaffDeps } from '../staff/context';
import { staffOf } from '../staff/middleware';
import { can } from '../staff/permissions';
import { volunteerNames, type Campaigns } from './campaigns';
import { campaignModels, type SurveyDoc } from './model';
import { coverageOf, finishedSurveys, indicatorsOf, surveyCases } from './results';
import { campaignIdParams } from './schemas';
import { campaignScope } from './scope';
import { surveyColumns, volunteerLabels, writeSurveyCsv, writeSurveyXlsx } from './survey-export';

const counts = { surveyed: z.number().int(), declined: z.number().int() };
const coverageView = z.object({
  target: z.number().int(),
  surveyed: z.number().int(),
  declined: z.number().int(),
  flagged: z.number().int(),
  urgentCases: z.number().int(),
  byVillage: z.array(
    z.object({
      villageId: z.string().nullable(),
      name: z.string().nullable(),
      target: z.number().int(),
      ...counts,
      /** Surveys flagged as maybe a household already surveyed in the village. */
      flagged: z.number().int(),
    }),
  ),
  byVolunteer: z.array(z.object({ volunteerId: z.string(), ...counts })),
  byDay: z.array(z.object({ day: z.string(), ...counts })),
});
const indicatorView = z.object({
  count: z.number().int(),
  of: z.number().int(),
  share: z.number().nullable(),
});
const resultsView = z.object({
  coverage: coverageView,
  indicators: z.object({
    withoutToilet: indicatorView,
    withoutTenureDocument: indicatorView,
    withVulnerableMember: indicatorView,
    exposedToFloods: indicatorView,
  }),
  /** The cases urgent needs became (references and status only), for staff to follow them up. */
  cases: z.array(
    z.object({
      reference: z.string(),
      villageId: z.string().nullable(),
      surveyedOn: z.string().nullable(),
      status: z.enum(CASE_STATUSES).nullable(),
    }),
  ),
});
const householdView = z.object({
  surveyId: z.string(),
  villageId: z.string().nullable(),
  headName: z.string().nullable(),
  lat: z.number(),
  lng: z.number(),
  surveyedOn: z.string().nullable(),
  duplicateOf: z.string().nullable(),
  caseReference: z.string().nullable(),
});

/**
 * Coverage and indicators (no personal data: every role within scope), the surveys' export and the
 * households on the map (names and exact places: case staff, audited).
 */
export function resultRoutes(
  router: Router,
  context: StaffContext,
  deps: StaffDeps & { flows: Record<string, Flow>; i18n: i18n },
  campaigns: Campaigns,
): void {
  const { Survey } = campaignModels(deps.connection);
  const scopeOf = (req: Request) => campaignScope(staffOf(req));
  const completed = (campaignId: string) =>
    Survey.find({ campaignId, status: 'completed' }).sort({ completedAt: 1 }).lean<SurveyDoc[]>();

  apiRoute(
    router,
    context,
    {
      method: 'get',
      path: '/api/campaigns/:id/results',
      summary:
        'Coverage (surveyed vs target by village, volunteer and day), indicators and the cases made of a campaign',
      tags: ['campaigns'],
      access: 'campaigns.read',
      schemas: { params: campaignIdParams },
      responses: {
        200: { description: 'Coverage and indicators', schema: resultsView },
        404: { description: 'Not found' },
      },
    },
    async (req, res, { params }) => {
      const campaign = await campaigns.load(params.id, scopeOf(req));
      const surveys = await finishedSurveys(deps.connection, campaign._id);
      res.json({
        coverage: coverageOf(campaign, surveys),
        indicators: indicatorsOf(surveys),
        cases: await surveyCases(deps.connection, surveys),
      });
    },
  );

  apiRoute(
    router,
    context,
    {
      method: 'get',
      path: '/api/campaigns/:id/households',
      summary: 'The households surveyed, at their shared location, for the map',
      tags: ['campaigns'],
      access: 'campaigns.readPersonal',
      schemas: { params: campaignIdParams },
      responses: { 200: { description: 'Households', schema: z.object({ items: z.array(householdView) }) } },
    },
    async (req, res, { params }) => {
      const campaign = await campaigns.load(params.id, scopeOf(req));
      const items = (await completed(campaign._id)).flatMap((s) => {
        const place = s.answers.location as { lat?: unknown; lng?: unknown } | undefined;
        if (typeof place?.lat !== 'number' || typeof place.lng !== 'number') return [];
        return [
          {
            surveyId: s._id,
            villageId: s.villageId,
            headName: typeof s.answers.headName === 'string' ? s.answers.headName : null,
            lat: place.lat,
            lng: place.lng,
            surveyedOn: s.surveyedOn ?? null,
            duplicateOf: s.duplicateOf ?? null,
            caseReference: s.caseReference ?? null,
          },
        ];
      });
      await context.audit.personalDataRead(req, { type: 'campaign', id: campaign._id }, [
        'survey.headName',
        'survey.location',
      ]);
      res.json({ items });
    },
  );

  apiRoute(
    router,
    context,
    {
      method: 'get',
      path: '/api/campaigns/:id/export',
      summary: 'Every survey of a campaign as CSV or XLSX: one column per question, an HXL hashtag row',
      tags: ['campaigns'],
      access: 'campaigns.readPersonal',
      schemas: {
        params: campaignIdParams,
        query: z.object({
          format: z.enum(['csv', 'xlsx']).default('csv'),
          lang: z.enum(['th', 'en', 'hmn']).default('th'),
        }),
      },
      responses: {
        200: { description: 'The surveys', contentType: 'text/csv' },
        404: { description: 'Not found' },
      },
    },
    async (req, res, { params, query }) => {
      const campaign = await campaigns.load(params.id, scopeOf(req));
      const flow = deps.flows[campaign.flowId];
      if (!flow) throw new Error(`campaign ${campaign._id} names no flow the engine has`);
      const surveys = await completed(campaign._id);
      // Volunteers' names under the campaign API's own rule (router.ts): to those who manage volunteers.
      const names = can(staffOf(req).role, 'volunteers.manage')
        ? await volunteerNames(deps.connection, [...new Set(surveys.map((s) => s.volunteerId))])
        : undefined;
      await context.audit.personalDataRead(req, { type: 'campaign', id: campaign._id }, [
        'surveys',
        ...(names ? ['volunteers.name'] : []),
      ]);
      const t = deps.i18n.getFixedT(query.lang);
      const columns = surveyColumns(flow, campaign, t, volunteerLabels(surveys, names, t));
      const name = `${campaign._id}-surveys.${query.format}`;
      res.setHeader('Content-Disposition', `attachment; filename="${name}"`);
      if (query.format === 'csv') {
        res.type('text/csv; charset=utf-8');
        await writeSurveyCsv(res, columns, surveys);
      } else {
        res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
        await writeSurveyXlsx(res, columns, surveys);
      }
    },
  );
}
