import { forgetVolunteerInSurveys } from '../../src/campaigns';
import { campaignModels } from '../../src/campaigns/model';
import type { Database } from '../../src/db/connection';
import { mediaModels } from '../../src/media/models';
import { dropTestDatabase, openTestDatabase } from '../helpers/db';

let database: Database;
beforeAll(async () => {
  database = await openTestDatabase('surveyerase');
});
afterAll(() => dropTestDatabase(database));

it("erasing a volunteer deletes the surveys they paused and keeps the households' surveys without them", async () => {
  const { Campaign, Survey } = campaignModels(database.connection);
  const { Media } = mediaModels(database.connection);
  const at = new Date();
  const user = 'U'.padEnd(33, 'e');
  await Campaign.create({
    _id: 'cmp-erase',
    name: 'c',
    area: { provinceCode: '67', province: 'เพชรบูรณ์', provinceEn: 'Phetchabun' },
    villages: [],
    target: 3,
    startsOn: '2020-01-01',
    endsOn: '2099-01-01',
    flowId: 'household-survey',
    volunteers: [
      { volunteerId: 'vol-e', lineUserId: user },
      { volunteerId: 'vol-f', lineUserId: 'U'.padEnd(33, 'f') },
    ],
    createdBy: 'x',
    createdAt: at,
    updatedAt: at,
  });
  const survey = (id: string, status: 'paused' | 'completed') => ({
    _id: id,
    campaignId: 'cmp-erase',
    status,
    volunteerId: 'vol-e',
    volunteerLineUserId: user,
    language: 'th',
    flowId: 'household-survey',
    flowVersion: 1,
    answers: status === 'completed' ? { headName: 'A' } : {},
    startedAt: at,
    updatedAt: at,
  });
  await Survey.create([survey('s-paused', 'paused'), survey('s-done', 'completed')]);
  const media = (id: string, mark: string) => ({
    _id: id,
    source: 'line',
    kind: 'image',
    status: 'stored',
    userId: user,
    caseReference: mark,
    createdAt: at,
  });
  await Media.collection.insertMany([
    media('m-paused', 'survey:s-paused'),
    media('m-done', 'survey:s-done'),
  ] as never);

  const outcome = await forgetVolunteerInSurveys(database.connection, user);
  expect(outcome).toEqual({ pausedDeleted: 1, keptMedia: ['m-done'] });
  expect(await Survey.findById('s-paused').lean()).toBeNull();
  expect(await Survey.findById('s-done').lean()).toMatchObject({
    volunteerLineUserId: null,
    volunteerId: 'erased',
  });
  expect(await Media.exists({ _id: 'm-paused' })).toBeNull();
  const campaign = await Campaign.findById('cmp-erase').lean();
  expect(campaign?.volunteers.map((v) => v.volunteerId)).toEqual(['vol-f']);
});
