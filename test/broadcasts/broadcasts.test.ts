import type { Express } from 'express';
import request from 'supertest';
import { auditModel } from '../../src/staff/audit-model';
import { createApp } from '../../src/app';
import { caseModel } from '../../src/cases/case-model';
import { BROADCAST_AUDIT, broadcastRouter, runBroadcast, runDueBroadcasts } from '../../src/broadcasts';
import type { BroadcastDeps } from '../../src/broadcasts';
import type { Database } from '../../src/db/connection';
import { createErrorSink } from '../../src/errors';
import { ApiRegistry } from '../../src/http/openapi';
import { ingestionModels } from '../../src/ingestion/models';
import { startLineEmulator, type LineEmulator } from '../../src/line-emulator';
import { createLineApi, type LineApi } from '../../src/line/line-api';
import { staffApiRouters } from '../../src/staff/routers';
import { dropTestDatabase, openTestDatabase } from '../helpers/db';
import { eventually } from '../helpers/ingestion';
import { testLogger } from '../helpers/logger';
import { addStaff, login } from '../staff/helpers';
import { tellAdminsOfGuessing } from '../../src/notifications/staff-notifications';

const userId = (n: number) => `U${n.toString(16).padStart(32, '0')}`;
const MESSAGES = { th: 'ข่าวจากมูลนิธิ', en: 'News from the foundation' };

let database: Database;
let emulator: LineEmulator;
let lineApi: LineApi;
let app: Express;
let api: ApiRegistry;
const tokens: Record<string, string> = {};
const userLanguage = new Map<string, string>();

/** 900 th, 100 hmn (no Hmong text: they get Thai), 200 en: 1,200 followers; 30 who unfollowed. */
async function seedUsers() {
  const docs = [];
  for (let n = 1; n <= 1230; n++) {
    const language = n % 12 === 0 ? 'en' : n % 12 === 1 ? 'en' : n % 12 === 2 ? 'hmn' : 'th';
    docs.push({ _id: userId(n), followed: n <= 1200, language });
    if (n <= 1200) userLanguage.set(userId(n), language);
  }
  await ingestionModels(database.connection).LineUser.insertMany(docs);
}

const multicasts = () => emulator.calls().filter((call) => call.path === '/v2/bot/message/multicast');
const deps = (extra: Partial<BroadcastDeps> = {}): BroadcastDeps => ({
  connection: database.connection,
  lineApi,
  logger: testLogger,
  ...extra,
});

async function finished(id: string) {
  const res = await eventually(
    () => request(app).get(`/api/broadcasts/${id}`).set('authorization', `Bearer ${tokens.admin}`),
    (r) => !['scheduled', 'preparing', 'sending'].includes(r.body.status),
  );
  return res.body;
}

beforeAll(async () => {
  database = await openTestDatabase('broadcasts');
  emulator = await startLineEmulator();
  lineApi = createLineApi({
    channelAccessToken: emulator.channelAccessToken,
    apiBaseUrl: emulator.url,
    dataApiBaseUrl: emulator.url,
    timeoutMs: 2000,
  });
  api = new ApiRegistry();
  const routers = [
    ...staffApiRouters({ connection: database.connection, logger: testLogger, api }, (guess) =>
      tellAdminsOfGuessing(database.connection, guess),
    ),
    broadcastRouter({ connection: database.connection, api, lineApi, logger: testLogger }),
  ];
  auditModel(database.connection);
  ingestionModels(database.connection);
  await database.ensureIndexes();
  app = createApp({
    logger: testLogger,
    reportError: createErrorSink(testLogger),
    isReady: async () => true,
    routers,
  });
  for (const role of ['admin', 'coordinator', 'caseworker', 'viewer'] as const) {
    tokens[role] = await login(app, (await addStaff(database, role)).email);
  }
  await seedUsers();
});

afterAll(async () => {
  await emulator.stop();
  await dropTestDatabase(database);
});

beforeEach(() => emulator.reset());

test('a broadcast to 1,200 followers goes out in 3 chunks, each user once and in their language', async () => {
  const created = await request(app)
    .post('/api/broadcasts')
    .set('authorization', `Bearer ${tokens.coordinator}`)
    .send({ audience: { type: 'all' }, messages: MESSAGES })
    .expect(201);
  expect(created.body.estimate.audience).toMatchObject({ total: 1200, byLanguage: { th: 1000, en: 200 } });
  expect(created.body.estimate.messages).toBe(1200);
  expect(created.body.estimate.chunks).toBe(3);
  expect(created.body.estimate.quota).toMatchObject({ limited: false, fits: true });

  const detail = await finished(created.body.broadcast.id);
  expect(detail.status).toBe('completed');
  expect(detail.progress).toMatchObject({ sent: 3, queued: 0, failed: 0, recipientsSent: 1200 });
  expect(detail.chunks.map((c: { recipients: number }) => c.recipients).sort()).toEqual([200, 500, 500]);

  const calls = multicasts();
  expect(calls).toHaveLength(3);
  expect(new Set(calls.map((c) => c.retryKey)).size).toBe(3);
  const sent = emulator.sentMessages();
  expect(sent).toHaveLength(1200);
  const byUser = new Map(sent.map((m) => [m.to, m.message.text]));
  expect(byUser.size).toBe(1200);
  for (const [user, language] of userLanguage) {
    expect(byUser.get(user)).toBe(language === 'en' ? MESSAGES.en : MESSAGES.th);
  }
  // Those who unfollowed (1201..1230) are never messaged.
  expect(emulator.sentMessages(userId(1201))).toHaveLength(0);

  const audit = await auditModel(database.connection).find({ action: BROADCAST_AUDIT.create }).lean();
  expect(audit.some((entry) => entry.targetId === created.body.broadcast.id)).toBe(true);

  // It has started: it cannot be cancelled any more.
  const cancel = await request(app)
    .post(`/api/broadcasts/${created.body.broadcast.id}/cancel`)
    .set('authorization', `Bearer ${tokens.admin}`)
    .expect(409);
  expect(cancel.body.error.code).toBe('broadcast_started');
});

/** A process that dies right after LINE accepted its `n`th multicast, before it could record it. */
function dyingAfter(real: LineApi, n: number): LineApi {
  let count = 0;
  return {
    ...real,
    async call(fn) {
      let die = false;
      const result = await real.call(({ client, blob }) =>
        fn({
          blob,
          client: new Proxy(client, {
            get(target, property) {
              const value = Reflect.get(target, property) as unknown;
              if (property !== 'multicast' || typeof value !== 'function') {
                return typeof value === 'function' ? value.bind(target) : value;
              }
              return async (...args: Parameters<typeof client.multicast>) => {
                const answer = await target.multicast(...args);
                count += 1;
                die = count === n;
                return answer;
              };
            },
          }),
        }),
      );
      if (die) await new Promise(() => undefined);
      return result;
    },
  };
}

test('a runner that dies mid-broadcast is taken over and no chunk goes out twice', async () => {
  const created = await request(app)
    .post('/api/broadcasts')
    .set('authorization', `Bearer ${tokens.admin}`)
    .send({
      audience: { type: 'all' },
      messages: MESSAGES,
      scheduledAt: new Date(Date.now() + 3600_000).toISOString(),
    })
    .expect(201);
  const id = created.body.broadcast.id as string;
  const later = new Date(Date.now() + 2 * 3600_000);

  void runBroadcast(
    deps({ lineApi: dyingAfter(lineApi, 2), instanceId: 'A', options: { concurrency: 1 } }),
    id,
    later,
  );
  await eventually(
    async () => multicasts().filter((c) => c.status === 200).length,
    (n) => n >= 2,
  );
  expect(emulator.sentMessages()).toHaveLength(1000);

  // Too soon: A's lease is fresh, a second runner keeps off.
  expect((await runBroadcast(deps({ instanceId: 'B' }), id, later)).outcome).toBe('busy');

  // Once A's lease and chunk claim are stale, a fresh runner resumes with the stored retry keys.
  const afterLease = () => new Date(Date.now() + 10 * 60_000);
  const resumed = await runBroadcast(deps({ instanceId: 'C', clock: afterLease }), id, later);
  expect(resumed.outcome).toBe('completed');
  expect(resumed.chunks).toMatchObject({ sent: 2 });

  const calls = multicasts();
  expect(calls.filter((c) => c.status === 200)).toHaveLength(3);
  expect(calls.filter((c) => c.status === 409)).toHaveLength(1);
  const sent = emulator.sentMessages();
  expect(sent).toHaveLength(1200);
  expect(new Set(sent.map((m) => m.to)).size).toBe(1200);

  const detail = await finished(id);
  expect(detail.progress).toMatchObject({ sent: 3, queued: 0 });
  expect(detail.chunks.filter((c: { acceptedBefore: boolean }) => c.acceptedBefore)).toHaveLength(1);
});

test('over the quota: refused, coordinators cannot override, an admin can, the reserve stays free', async () => {
  emulator.setQuota({ type: 'limited', value: 1000 });
  const body = { audience: { type: 'all' }, messages: MESSAGES };

  const dry = await request(app)
    .post('/api/broadcasts')
    .set('authorization', `Bearer ${tokens.coordinator}`)
    .send({ ...body, dryRun: true })
    .expect(200);
  expect(dry.body.estimate.quota).toMatchObject({
    monthlyQuota: 1000,
    usedThisMonth: 0,
    reserve: 100,
    availableForBroadcasts: 900,
    cost: 1200,
    fits: false,
  });
  expect(dry.body.estimate.quota.note).toMatch(/status updates/);

  const refused = await request(app)
    .post('/api/broadcasts')
    .set('authorization', `Bearer ${tokens.coordinator}`)
    .send(body)
    .expect(409);
  expect(refused.body.error.code).toBe('quota_exceeded');

  const forbidden = await request(app)
    .post('/api/broadcasts')
    .set('authorization', `Bearer ${tokens.coordinator}`)
    .send({ ...body, overrideQuota: true })
    .expect(403);
  expect(forbidden.body.error.code).toBe('quota_override_forbidden');

  const overridden = await request(app)
    .post('/api/broadcasts')
    .set('authorization', `Bearer ${tokens.admin}`)
    .send({ ...body, overrideQuota: true })
    .expect(201);
  const detail = await finished(overridden.body.broadcast.id);
  expect(detail.status).toBe('waiting_quota');
  expect(detail.progress.queued).toBeGreaterThan(0);
  // 100 messages stay free for case status updates.
  expect(emulator.quotaConsumption()).toBeLessThanOrEqual(900);
  expect(emulator.quotaConsumption()).toBeGreaterThan(0);

  // A plan with room again: the job sends the rest, still each user once.
  emulator.setQuota({ type: 'none' });
  await runDueBroadcasts(deps(), new Date());
  expect((await finished(overridden.body.broadcast.id)).status).toBe('completed');
  expect(new Set(emulator.sentMessages().map((m) => m.to)).size).toBe(1200);
  expect(emulator.sentMessages()).toHaveLength(1200);
});

test('a scheduled broadcast cancelled before its time never sends; an uncancelled one is sent by the job', async () => {
  const inAnHour = new Date(Date.now() + 3600_000).toISOString();
  const post = () =>
    request(app)
      .post('/api/broadcasts')
      .set('authorization', `Bearer ${tokens.coordinator}`)
      .send({ audience: { type: 'all' }, messages: MESSAGES, scheduledAt: inAnHour })
      .expect(201);
  const cancelled = (await post()).body.broadcast.id as string;
  const kept = (await post()).body.broadcast.id as string;

  const res = await request(app)
    .post(`/api/broadcasts/${cancelled}/cancel`)
    .set('authorization', `Bearer ${tokens.coordinator}`)
    .expect(200);
  expect(res.body.broadcast.status).toBe('cancelled');
  const audit = await auditModel(database.connection)
    .find({ action: BROADCAST_AUDIT.cancel, targetId: cancelled })
    .lean();
  expect(audit).toHaveLength(1);

  expect(await runDueBroadcasts(deps(), new Date())).toMatchObject({ broadcasts: 0 });
  expect(multicasts()).toHaveLength(0);

  await runDueBroadcasts(deps(), new Date(Date.now() + 2 * 3600_000));
  expect((await finished(cancelled)).status).toBe('cancelled');
  expect((await finished(kept)).status).toBe('completed');
  expect(new Set(multicasts().map((c) => c.retryKey)).size).toBe(3);
  expect(emulator.sentMessages()).toHaveLength(1200);

  const list = await request(app)
    .get('/api/broadcasts')
    .set('authorization', `Bearer ${tokens.admin}`)
    .expect(200);
  expect(list.body.items.map((b: { id: string }) => b.id)).toEqual(expect.arrayContaining([cancelled, kept]));
});

test('case-based audiences reach each reporter once and skip those who unfollowed', async () => {
  const Case = caseModel(database.connection);
  const base = (n: number, reporter: string, status: string, provinceCode: string) => ({
    reference: `NL-${n}`,
    intakeId: `intake-${n}`,
    consentId: `consent-${n}`,
    language: 'th',
    reporter: { lineUserId: reporter },
    reportedBy: 'self',
    household: { size: 3, tenure: 'own' },
    category: 'repair',
    location: { resolved: { provinceCode } },
    priority: { score: 1, level: 'low' },
    status,
    createdAt: new Date(),
    updatedAt: new Date(),
  });
  await Case.collection.insertMany([
    base(1, userId(13), 'new', '50'),
    base(2, userId(13), 'in_progress', '50'), // the same reporter twice
    base(3, userId(14), 'completed', '50'), // closed
    base(4, userId(1205), 'new', '50'), // unfollowed
    base(5, userId(15), 'new', '10'),
  ]);
  const estimate = async (audience: object) =>
    (
      await request(app)
        .post('/api/broadcasts')
        .set('authorization', `Bearer ${tokens.admin}`)
        .send({ audience, messages: MESSAGES, dryRun: true })
        .expect(200)
    ).body.estimate.audience.total;
  expect(await estimate({ type: 'open_cases', provinceCode: '50' })).toBe(1);
  expect(await estimate({ type: 'open_cases' })).toBe(2);
  expect(await estimate({ type: 'area', provinceCode: '50' })).toBe(2);
  expect(await estimate({ type: 'cases', statuses: ['completed'] })).toBe(1);
  expect(await estimate({ type: 'volunteers' })).toBe(0);
});

test('only admins and coordinators may use broadcasts; the routes are documented', async () => {
  for (const role of ['viewer', 'caseworker']) {
    await request(app)
      .post('/api/broadcasts')
      .set('authorization', `Bearer ${tokens[role]}`)
      .send({ audience: { type: 'all' }, messages: MESSAGES })
      .expect(403);
    await request(app).get('/api/broadcasts').set('authorization', `Bearer ${tokens[role]}`).expect(403);
  }
  await request(app).get('/api/broadcasts').expect(401);
  const bad = await request(app)
    .post('/api/broadcasts')
    .set('authorization', `Bearer ${tokens.admin}`)
    .send({
      audience: { type: 'all' },
      messages: { en: 'no Thai' },
      images: { th: 'http://x.example/a.png' },
    })
    .expect(400);
  expect(bad.body.error.code).toBe('invalid_request');
  expect(multicasts()).toHaveLength(0);

  const doc = await request(app).get('/api/openapi.json').expect(200);
  expect(Object.keys(doc.body.paths)).toEqual(
    expect.arrayContaining(['/api/broadcasts', '/api/broadcasts/{id}', '/api/broadcasts/{id}/cancel']),
  );
  expect(doc.body.paths['/api/broadcasts'].post['x-roles']).toEqual(['admin', 'coordinator']);
});
