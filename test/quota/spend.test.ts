import request from 'supertest';
import { broadcastModels } from '../../src/broadcasts/models';
import type { Database } from '../../src/db/connection';
import { ingestionModels } from '../../src/ingestion/models';
import { createLineApi } from '../../src/line/line-api';
import { projectSpend, quotaMonth, type SpendFacts } from '../../src/quota/spend';
import { quotaRouter } from '../../src/quota/router';
import { warnOfQuota } from '../../src/quota/watch';
import { staffNotificationModel } from '../../src/notifications/staff-notifications';
import { dropTestDatabase, openTestDatabase } from '../helpers/db';
import { addStaff, buildStaffApp, login } from '../staff/helpers';
import { addCase, bearer, buildCaseApiApp, lineUserId, type CaseApiHarness } from '../case-api/helpers';

const facts = (overrides: Partial<SpendFacts> = {}): SpendFacts => ({
  monthlyQuota: 300,
  usedThisMonth: 0,
  pendingStatusUpdates: 0,
  byKind: { statusUpdates: 0, broadcasts: 0, handoffAnswers: 0, other: 0 },
  statusMessages: 0,
  statusCases: 0,
  ...overrides,
});
const RESERVE = { percent: 10, minimum: 0 };

describe('the quota projection (pure)', () => {
  it('takes LINE’s month in Japan time', () => {
    // 23:30 on 31 October in Bangkok is already 1 November in Tokyo.
    expect(quotaMonth(new Date('2026-10-31T16:30:00Z')).start.toISOString()).toBe('2026-10-31T15:00:00.000Z');
    expect(quotaMonth(new Date('2026-10-31T14:30:00Z')).end.toISOString()).toBe('2026-10-31T15:00:00.000Z');
  });

  it('says how long the rest lasts and when it runs out', () => {
    // Ten days into November (Tokyo), 150 of 300 used: 15 a day, 10 days left, 20 to the month's end.
    const now = new Date('2026-11-10T15:00:00Z');
    const view = projectSpend(
      facts({ usedThisMonth: 150, statusMessages: 30, statusCases: 12 }),
      now,
      RESERVE,
    );
    expect(view).toMatchObject({
      dailyRate: 15,
      daysLeft: 10,
      daysToMonthEnd: 20,
      statusReserve: 30,
      level: 'watch',
      runsOutOn: '2026-11-20',
      statusUpdates: { messages: 30, cases: 12, averagePerCase: 2.5 },
    });
  });

  it('warns before status updates would be held: what is left is within their reserve', () => {
    const now = new Date('2026-11-25T15:00:00Z');
    expect(projectSpend(facts({ usedThisMonth: 200 }), now, RESERVE).level).toBe('ok');
    expect(projectSpend(facts({ usedThisMonth: 265, pendingStatusUpdates: 6 }), now, RESERVE).level).toBe(
      'warning',
    );
  });

  it('has nothing to warn of on an unlimited plan', () => {
    const view = projectSpend(facts({ monthlyQuota: null, usedThisMonth: 5000 }), new Date(), RESERVE);
    expect(view).toMatchObject({ level: 'ok', daysLeft: null, runsOutOn: null, statusReserve: 0 });
  });
});

describe('GET /api/quota', () => {
  let database: Database;
  let h: CaseApiHarness;
  beforeAll(async () => {
    database = await openTestDatabase('quotaspend');
    h = await buildCaseApiApp(database);
  });
  afterAll(async () => {
    await h.stop();
    await dropTestDatabase(database);
  });

  it('counts pushes by kind from our records, replies not at all, and the status updates per case', async () => {
    h.emulator.setQuota({ type: 'limited', value: 300 });
    const reporter = lineUserId();
    await ingestionModels(database.connection).LineUser.create({
      _id: reporter,
      followed: true,
      language: 'th',
    });
    const record = await addCase(database, { reporter: { lineUserId: reporter } });
    const patch = (body: object) =>
      request(h.app)
        .patch(`/api/cases/${record.reference}`)
        .set(bearer(h.tokens.coordinator))
        .send(body)
        .expect(200);
    await patch({ status: 'reviewing' });
    await patch({ status: 'visit_scheduled', visitDate: '2026-12-24' });
    await patch({ status: 'assessed' });
    await patch({ status: 'approved' });
    // A hand-off answer pushed, a conversation reply (free), and a sent broadcast chunk of 40.
    await h.sender.send({
      id: `answer-${reporter}`,
      to: reporter,
      purpose: 'staff',
      messages: [{ type: 'text', text: 'ok' }],
    });
    const token = h.emulator.issueReplyToken(reporter);
    await h.sender.send({
      id: `reply-${reporter}`,
      to: reporter,
      purpose: 'conversation',
      messages: [{ type: 'text', text: 'hi' }],
      replyToken: token,
      replyTokenExpiresAt: new Date(Date.now() + 30_000),
    });
    await broadcastModels(database.connection).Chunk.create({
      _id: 'b1:0',
      broadcastId: 'b1',
      index: 0,
      language: 'th',
      recipientCount: 40,
      lastRecipient: reporter,
      retryKey: 'k',
      status: 'sent',
      sentAt: new Date(),
    });

    const lineApi = createLineApi({
      channelAccessToken: h.emulator.channelAccessToken,
      apiBaseUrl: h.emulator.url,
      dataApiBaseUrl: h.emulator.url,
    });
    const staff = await buildStaffApp(database, {
      routers: (deps) => [quotaRouter({ ...deps, lineApi })],
    });
    const viewer = await addStaff(database, 'viewer');
    const res = await request(staff.app)
      .get('/api/quota')
      .set(bearer(await login(staff.app, viewer.email)))
      .expect(200);
    expect(res.body).toMatchObject({
      monthlyQuota: 300,
      // What LINE counted: our two status pushes and the hand-off answer (the broadcast above is ours only).
      usedThisMonth: 3,
      byKind: { statusUpdates: 2, broadcasts: 40, handoffAnswers: 1, other: 0 },
      statusUpdates: { messages: 2, cases: 1, averagePerCase: 2 },
      level: 'ok',
    });
  });

  it('warns the coordinators once per month and level when status updates would be held', async () => {
    const lineApi = createLineApi({
      channelAccessToken: h.emulator.channelAccessToken,
      apiBaseUrl: h.emulator.url,
      dataApiBaseUrl: h.emulator.url,
    });
    const deps = { connection: database.connection, lineApi };
    h.emulator.setQuota({ type: 'limited', value: 1000 });
    expect(await warnOfQuota(deps, new Date())).toMatchObject({ level: 'ok', told: 0 });
    // A small plan nearly spent: what is left (1) is within the status updates' reserve (1).
    h.emulator.setQuota({ type: 'limited', value: h.emulator.quotaConsumption() + 1 });
    const first = await warnOfQuota(deps, new Date());
    expect(first.level).toBe('warning');
    expect(first.told).toBeGreaterThanOrEqual(1);
    expect(await warnOfQuota(deps, new Date())).toMatchObject({ level: 'warning', told: 0 });
    const notification = await staffNotificationModel(database.connection)
      .findOne({ staffId: h.staffIds.coordinator, 'data.kind': 'quota_low' })
      .lean();
    expect(notification?.data).toMatchObject({ kind: 'quota_low', level: 'warning' });
  });
});
