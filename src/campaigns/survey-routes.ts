import type { Router } from 'express';
import type { Connection } from 'mongoose';
import { z } from 'zod';
import { PublicError } from '../errors';
import { apiRoute } from '../staff/api-route';
import type { StaffContext } from '../staff/context';
import { staffOf } from '../staff/middleware';
import type { Campaigns } from './campaigns';
import { campaignModels, type SurveyDoc } from './model';
import { campaignIdParams } from './schemas';
import { campaignScope } from './scope';
import { deleteSurvey } from './survey-removal';

export const surveyParams = campaignIdParams.extend({
  surveyId: z.string().regex(/^[\w.:-]{1,200}$/, { error: 'a survey id' }),
});

const notFound = () => new PublicError(404, 'survey_not_found', 'No survey with this id in this campaign.');

/**
 * One survey deleted by those who manage campaigns: a household that asks for its data to go (PDPA
 * s.33), a test visit, a survey made twice. Photos go with it; coverage follows; audited.
 */
export function surveyRoutes(
  router: Router,
  context: StaffContext,
  connection: Connection,
  campaigns: Campaigns,
): void {
  apiRoute(
    router,
    context,
    {
      method: 'delete',
      path: '/api/campaigns/:id/surveys/:surveyId',
      summary: 'Delete one survey of a campaign for good, with its photos (a household that asks, a mistake)',
      tags: ['campaigns'],
      access: 'campaigns.manage',
      schemas: { params: surveyParams },
      responses: {
        204: { description: 'Deleted' },
        404: { description: 'No such campaign within your provinces, or no such survey in it' },
      },
    },
    async (req, res, { params }) => {
      const campaign = await campaigns.load(params.id, campaignScope(staffOf(req)));
      const survey = await campaignModels(connection)
        .Survey.findOne({ _id: params.surveyId, campaignId: campaign._id }, { _id: 1, campaignId: 1 })
        .lean<Pick<SurveyDoc, '_id' | 'campaignId'>>();
      if (!survey) throw notFound();
      const outcome = await deleteSurvey(connection, survey);
      if (!outcome) throw notFound();
      await context.audit.recordRequest(
        req,
        'survey.delete',
        { type: 'survey', id: survey._id },
        { campaignId: campaign._id, photos: outcome.media },
      );
      res.status(204).end();
    },
  );
}
