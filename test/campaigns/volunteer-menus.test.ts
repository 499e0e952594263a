import request from 'supertest';
import type { Express } from 'express';
import { campaignRouter } from '../../src/campaigns/router';
import { campaignModels } from '../../src/campaigns/model';
import { menuFor, reconcileMenu, syncCampaignMenus } from '../../src/campaigns';
import { createI18n } from '../../src/i18n';
import { connectDatabase, type Database } from '../../src/db/connection';
import { createErrorSink } from '../../src/errors';
import { ingestionModels } from '../../src/ingestion/models';
import { createScheduler, jobTickModel, type Job } from '../../src/jobs/scheduler';
import { startLineEmulator, type LineEmulator } from '../../src/line-emulator';
import { createLineApi, type LineApi } from '../../src/line/line-api';
import { createSender } from '../../src/line/sender';
import {
  ALIAS,
  buildRichMenuDefinitions,
  deployRichMenus,
  loadRichMenuImages,
  menuLinkModel,
  recordedMenu,
} from '../../src/richmenus';
import { createVolunteerDecisions, volunteerModels, type VolunteerDecisions } from '../../src/volunteers';
import { eraseVolunteerData } from '../../src/volunteers/erase';
import { engine } from '../conversation/harness';
import { dropTestDatabase, openTestDatabase, testDatabaseServer } from '../helpers/db';
import { testLogger } from '../helpers/logger';
import { addStaff, buildStaffApp, login } from '../staff/helpers';

/** 12:00 in Bangkok on 5 December 2026. */
const now = new Date('2026-12-05T05:00:00Z');
const clock = () => now;

let database: Database;
let emulator: LineEmulator;
let lineApi: LineApi;
let app: Express;
let decisions: VolunteerDecisions;
let token = '';
const menuDeps = () => ({ connection: database.connection, lineApi, logger: testLogger });

const userOf = (id: string) => `U${id.replace(/[^0-9a-f]/g, 'a')}`.padEnd(33, '0');
const shown = (userId: string) => emulator.richMenuState().userLinks[userId];
const menuId = (alias: string) => emulator.richMenuState().aliases[alias];
/** LINE calls that link or unlink one user's menu. */
const linkCalls = (userId: string) =>
  emulator.calls().filter((call) => call.path.startsWith(`/v2/bot/user/${userId}/richmenu`)).length;

async function pendingVolunteer(id: string) {
  await volunteerModels(database.connection).Volunteer.create({
    _id: id,
    lineUserId: userOf(id),
    status: 'pending',
    name: `Volunteer ${id}`,
    phone: '0812345678',
    areas: [],
    language: 'th',
    registeredAt: now,
  });
}

beforeAll(async () => {
  database = await openTestDatabase('campaign-menus');
  campaignModels(database.connection);
  volunteerModels(database.connection);
  menuLinkModel(database.connection);
  jobTickModel(database.connection);
  emulator = await startLineEmulator();
  lineApi = createLineApi({
    channelAccessToken: emulator.channelAccessToken,
    apiBaseUrl: emulator.url,
    dataApiBaseUrl: emulator.url,
    timeoutMs: 2000,
  });
  const i18n = createI18n('th');
  const definitions = buildRichMenuDefinitions(i18n.getFixedT('th'));
  await deployRichMenus(lineApi, definitions, loadRichMenuImages(definitions));
  ({ app } = await buildStaffApp(database, {
    clock,
    routers: (deps) => [campaignRouter({ ...deps, flows: engine.flows, i18n, lineApi })],
  }));
  const sender = createSender({
    models: ingestionModels(database.connection),
    api: lineApi,
    logger: testLogger,
    instanceId: 'test',
    backoffMs: 10,
  });
  decisions = createVolunteerDecisions({
    connection: database.connection,
    lineApi,
    sender,
    i18n,
    logger: testLogger,
    clock,
    reconcileMenu: (lineUserId) => reconcileMenu(menuDeps(), lineUserId, clock(), { force: true }),
  });
  await database.ensureIndexes();
  token = await login(app, (await addStaff(database, 'coordinator')).email);
});

afterAll(async () => {
  await emulator.stop();
  await dropTestDatabase(database);
});

describe('which menu a person gets (pure)', () => {
  const december = { startsOn: '2026-12-01', endsOn: '2026-12-10' };
  it('is the survey menu only for an approved volunteer while a campaign of theirs runs, Bangkok days', () => {
    expect(menuFor({ volunteer: false, campaigns: [december] }, new Date('2026-12-05T05:00:00Z'))).toBe(
      'resident',
    );
    expect(menuFor({ volunteer: true, campaigns: [] }, new Date('2026-12-05T05:00:00Z'))).toBe('volunteer');
    // 00:00 on 1 December in Bangkok is 17:00 on 30 November in UTC.
    expect(menuFor({ volunteer: true, campaigns: [december] }, new Date('2026-11-30T16:59:00Z'))).toBe(
      'volunteer',
    );
    expect(menuFor({ volunteer: true, campaigns: [december] }, new Date('2026-11-30T17:00:00Z'))).toBe(
      'volunteer-survey',
    );
    expect(menuFor({ volunteer: true, campaigns: [december] }, new Date('2026-12-10T16:59:00Z'))).toBe(
      'volunteer-survey',
    );
    expect(menuFor({ volunteer: true, campaigns: [december] }, new Date('2026-12-10T17:00:00Z'))).toBe(
      'volunteer',
    );
  });
});

describe('the volunteer menu follows campaigns, on the LINE emulator', () => {
  const userA = userOf('vol-a');
  let campaignId = '';

  it('approval links the plain volunteer menu when no campaign of theirs runs', async () => {
    await pendingVolunteer('vol-a');
    await decisions.approve('vol-a', { id: 'staff-1' });
    expect(shown(userA)).toBe(menuId(ALIAS.volunteer));
    expect(await recordedMenu(database.connection, userA)).toBe('volunteer');
  });

  it('assigning them to a running campaign links the survey menu, once', async () => {
    const res = await request(app)
      .post('/api/campaigns')
      .set({ Authorization: `Bearer ${token}` })
      .send({
        name: 'Khao Kho baseline',
        area: { provinceCode: '67', districtCode: '6711' },
        villages: [{ name: 'Ban Khek Noi', target: 10 }],
        startsOn: '2026-12-01',
        endsOn: '2026-12-10',
        volunteerIds: ['vol-a'],
      })
      .expect(201);
    campaignId = res.body.id;
    expect(shown(userA)).toBe(menuId(ALIAS['volunteer-survey']));
    expect(await recordedMenu(database.connection, userA)).toBe('volunteer-survey');

    // A change that does not touch their menu calls LINE for nothing.
    const calls = linkCalls(userA);
    await request(app)
      .patch(`/api/campaigns/${campaignId}`)
      .set({ Authorization: `Bearer ${token}` })
      .send({ name: 'Khao Kho baseline 2569' })
      .expect(200);
    expect(linkCalls(userA)).toBe(calls);
  });

  it('when the campaign ends, the job gives the volunteer menu back; a second instance does not link again', async () => {
    const second = await connectDatabase(testDatabaseServer().uri, database.connection.name);
    try {
      // 00:00 in Bangkok on 11 December: the campaign ended with 10 December.
      const midnight = new Date('2026-12-10T17:00:00Z');
      const job = (connection: typeof database.connection): Job => ({
        name: 'campaign-menus',
        schedule: '0 0 * * *',
        timezone: 'Asia/Bangkok',
        run: (at) => syncCampaignMenus({ connection, lineApi, logger: testLogger }, at),
      });
      const [a, b] = [database, second].map((db, n) =>
        createScheduler({
          connection: db.connection,
          logger: testLogger,
          reportError: createErrorSink(testLogger),
          instanceId: `instance-${n}`,
          now: () => midnight,
        }),
      );
      const calls = linkCalls(userA);
      const tick = `campaign-menus@${midnight.toISOString()}`;
      const ran = await Promise.all([
        a!.runTick(job(database.connection), tick),
        b!.runTick(job(second.connection), tick),
      ]);
      expect(ran.filter(Boolean)).toHaveLength(1);
      expect(shown(userA)).toBe(menuId(ALIAS.volunteer));
      expect(linkCalls(userA)).toBe(calls + 1);

      // The next run (another tick, another instance) finds nothing to change.
      const later = new Date('2026-12-10T23:00:00Z');
      await b!.runTick(job(second.connection), `campaign-menus@${later.toISOString()}`);
      expect(linkCalls(userA)).toBe(calls + 1);
      expect(await recordedMenu(database.connection, userA)).toBe('volunteer');
    } finally {
      await second.close();
    }
  });

  it('a campaign that starts later gives the survey menu at its first Bangkok midnight', async () => {
    await request(app)
      .patch(`/api/campaigns/${campaignId}`)
      .set({ Authorization: `Bearer ${token}` })
      .send({ startsOn: '2026-12-20', endsOn: '2026-12-31' })
      .expect(200);
    expect(shown(userA)).toBe(menuId(ALIAS.volunteer));
    const summary = await syncCampaignMenus(menuDeps(), new Date('2026-12-19T17:00:00Z'));
    expect(summary).toMatchObject({ changed: 1, failed: 0 });
    expect(shown(userA)).toBe(menuId(ALIAS['volunteer-survey']));
  });

  it('revoking the volunteer gives them the resident (default) menu, even during a campaign', async () => {
    await decisions.revoke('vol-a', { id: 'staff-1' });
    expect(shown(userA)).toBeUndefined();
    expect(await recordedMenu(database.connection, userA)).toBe('resident');
    // Still listed on the campaign, but not approved: the job leaves them on the default menu.
    const calls = linkCalls(userA);
    await syncCampaignMenus(menuDeps(), new Date('2026-12-21T05:00:00Z'));
    expect(linkCalls(userA)).toBe(calls);
    expect(shown(userA)).toBeUndefined();
  });

  it("erasing a volunteer on the survey menu unlinks it and deletes the menu's record", async () => {
    await pendingVolunteer('vol-b');
    const userB = userOf('vol-b');
    await decisions.approve('vol-b', { id: 'staff-1' });
    await request(app)
      .patch(`/api/campaigns/${campaignId}`)
      .set({ Authorization: `Bearer ${token}` })
      .send({ volunteerIds: ['vol-b'], startsOn: '2026-12-01' })
      .expect(200);
    expect(shown(userB)).toBe(menuId(ALIAS['volunteer-survey']));
    const erased = await eraseVolunteerData({ connection: database.connection, lineApi }, userB);
    expect(erased.menuUnlinked).toBe(true);
    expect(shown(userB)).toBeUndefined();
    expect(await menuLinkModel(database.connection).countDocuments({ _id: userB })).toBe(0);
  });
});
