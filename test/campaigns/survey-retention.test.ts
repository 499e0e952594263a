import request from 'supertest';
import type { Express } from 'express';
import { campaignRouter } from '../../src/campaigns/router';
import { campaignModels } from '../../src/campaigns/model';
import { parseConfig } from '../../src/config';
import type { Database } from '../../src/db/connection';
import { createI18n } from '../../src/i18n';
import { mediaModels } from '../../src/media/models';
import { purgePersonalData } from '../../src/privacy/retention-purge';
import { auditModel } from '../../src/staff/audit-model';
import { engine } from '../conversation/harness';
import { dropTestDatabase, openTestDatabase } from '../helpers/db';
import { addStaff, buildStaffApp, login } from '../staff/helpers';

const DAY = 24 * 3600_000;
const now = new Date('2026-12-04T05:00:00Z');
const ago = (days: number) => new Date(now.getTime() - days * DAY);

let database: Database;
let app: Express;
const tokens: Record<string, string> = {};
const auth = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });

const campaign = (id: string, provinceCode = '67') => ({
  _id: id,
  name: `Campaign ${id}`,
  area: { provinceCode, province: 'x', provinceEn: 'x' },
  villages: [{ id: 'v1', name: 'Ban Khek Noi', target: 10 }],
  target: 10,
  startsOn: '2023-01-01',
  endsOn: '2099-01-01',
  flowId: 'household-survey',
  volunteers: [],
  createdBy: 'x',
  createdAt: ago(1200),
  updatedAt: ago(1200),
});

const survey = (
  id: string,
  campaignId: string,
  at: Date,
  status: 'completed' | 'declined' | 'paused' = 'completed',
  extra: object = {},
) => ({
  _id: id,
  campaignId,
  villageId: 'v1',
  status,
  volunteerId: 'vol-a',
  volunteerLineUserId: 'U'.padEnd(33, 'a'),
  language: 'th',
  flowId: 'household-survey',
  flowVersion: 1,
  answers: status === 'completed' ? { headName: `Head ${id}`, toilet: 'none' } : {},
  surveyedOn: at.toISOString().slice(0, 10),
  startedAt: at,
  updatedAt: at,
  ...(status === 'paused' ? {} : { completedAt: at }),
  ...extra,
});

async function photo(id: string, surveyId: string) {
  await mediaModels(database.connection).Media.collection.insertOne({
    _id: id,
    source: 'line',
    kind: 'image',
    status: 'stored',
    userId: 'U'.padEnd(33, 'a'),
    caseReference: `survey:${surveyId}`,
    createdAt: now,
  } as never);
}

beforeAll(async () => {
  database = await openTestDatabase('survey-retention');
  campaignModels(database.connection);
  mediaModels(database.connection);
  ({ app } = await buildStaffApp(database, {
    routers: (deps) => [campaignRouter({ ...deps, flows: engine.flows, i18n: createI18n('th') })],
  }));
  tokens.coordinator = await login(app, (await addStaff(database, 'coordinator')).email);
  tokens.north = await login(app, (await addStaff(database, 'coordinator', { provinces: ['50'] })).email);
  tokens.caseworker = await login(app, (await addStaff(database, 'caseworker', { provinces: ['67'] })).email);
});

afterAll(() => dropTestDatabase(database));

describe('survey retention (the notice: at most 3 years)', () => {
  it('deletes surveys older than the retention with their photos, and keeps the others', async () => {
    const { Campaign, Survey } = campaignModels(database.connection);
    await Campaign.create(campaign('cmp-old'));
    await Survey.create([
      survey('s-old', 'cmp-old', ago(1096)),
      survey('s-old-declined', 'cmp-old', ago(1100), 'declined'),
      survey('s-old-paused', 'cmp-old', ago(1097), 'paused'),
      survey('s-young', 'cmp-old', ago(1094), 'completed', { duplicateOf: 's-old' }),
      survey('s-young-paused', 'cmp-old', ago(10), 'paused'),
    ]);
    await photo('m-old', 's-old');
    await photo('m-paused', 's-old-paused');
    await photo('m-young', 's-young');

    const summary = await purgePersonalData({ connection: database.connection }, now);
    expect(summary).toMatchObject({ surveys: 3, surveyMedia: 2 });
    expect(
      (await Survey.find({ campaignId: 'cmp-old' }, { _id: 1 }).lean()).map((s) => s._id).sort(),
    ).toEqual(['s-young', 's-young-paused']);
    const { Media } = mediaModels(database.connection);
    expect(await Media.exists({ _id: 'm-old' })).toBeNull();
    expect(await Media.exists({ _id: 'm-paused' })).toBeNull();
    expect(await Media.exists({ _id: 'm-young' })).not.toBeNull();
    // The household it was flagged against is gone: no flag pointing at nothing.
    expect((await Survey.findById('s-young').lean())?.duplicateOf).toBeUndefined();

    // A second run finds nothing; a shorter configured retention takes more.
    expect(await purgePersonalData({ connection: database.connection }, now)).toMatchObject({ surveys: 0 });
    expect(
      await purgePersonalData({ connection: database.connection, retention: { surveyDays: 30 } }, now),
    ).toMatchObject({ surveys: 1, surveyMedia: 1 });
  });

  it('is configurable up to what the notice promises, never beyond', () => {
    expect(parseConfig({ RETENTION_SURVEY_DAYS: '730' })).toMatchObject({
      ok: true,
      config: { RETENTION_SURVEY_DAYS: 730 },
    });
    expect(parseConfig({})).toMatchObject({ ok: true, config: { RETENTION_SURVEY_DAYS: 1095 } });
    expect(parseConfig({ RETENTION_SURVEY_DAYS: '1500' }).ok).toBe(false);
  });
});

describe('DELETE /api/campaigns/:id/surveys/:surveyId', () => {
  beforeAll(async () => {
    const { Campaign, Survey } = campaignModels(database.connection);
    await Campaign.create(campaign('cmp-del'));
    await Survey.create([survey('s-1', 'cmp-del', ago(3)), survey('s-2', 'cmp-del', ago(2))]);
    await photo('m-1', 's-1');
  });

  const surveyed = async () =>
    (await request(app).get('/api/campaigns/cmp-del/results').set(auth('coordinator')).expect(200)).body
      .coverage.byVillage[0].surveyed;

  it('refuses those who do not manage campaigns, and campaigns outside the provinces', async () => {
    await request(app).delete('/api/campaigns/cmp-del/surveys/s-1').set(auth('caseworker')).expect(403);
    await request(app).delete('/api/campaigns/cmp-del/surveys/s-1').set(auth('north')).expect(404);
    await request(app).delete('/api/campaigns/cmp-del/surveys/s-1').expect(401);
    const missing = await request(app)
      .delete('/api/campaigns/cmp-del/surveys/s-nope')
      .set(auth('coordinator'))
      .expect(404);
    expect(missing.body.error.code).toBe('survey_not_found');
    // A survey of another campaign is not found through this one.
    await request(app).delete('/api/campaigns/cmp-del/surveys/s-young').set(auth('coordinator')).expect(404);
  });

  it('deletes the survey and its photos, audited, and the coverage follows', async () => {
    expect(await surveyed()).toBe(2);
    await request(app).delete('/api/campaigns/cmp-del/surveys/s-1').set(auth('coordinator')).expect(204);
    expect(await campaignModels(database.connection).Survey.findById('s-1').lean()).toBeNull();
    expect(await mediaModels(database.connection).Media.exists({ _id: 'm-1' })).toBeNull();
    expect(await surveyed()).toBe(1);
    const entry = await auditModel(database.connection)
      .findOne({ action: 'survey.delete', targetId: 's-1' })
      .lean();
    expect(entry).toMatchObject({ targetType: 'survey', details: { campaignId: 'cmp-del', photos: 1 } });
    // Again: already gone.
    await request(app).delete('/api/campaigns/cmp-del/surveys/s-1').set(auth('coordinator')).expect(404);
  });

  it('is in the OpenAPI document', async () => {
    const doc = await request(app).get('/api/openapi.json').expect(200);
    expect(doc.body.paths['/api/campaigns/{id}/surveys/{surveyId}']?.delete).toBeDefined();
  });
});
