import request from 'supertest';
import type { Express } from 'express';
import type { i18n } from 'i18next';
import { createApp } from '../../src/app';
import { auditModel } from '../../src/staff/audit-model';
import { registerModels } from '../../src/models';
import type { Effect } from '../../src/conversation';
import type { Database } from '../../src/db/connection';
import { createErrorSink } from '../../src/errors';
import { ApiRegistry } from '../../src/http/openapi';
import { createI18n } from '../../src/i18n';
import { ingestionModels } from '../../src/ingestion/models';
import { startLineEmulator, type LineEmulator } from '../../src/line-emulator';
import { createLineApi, type LineApi } from '../../src/line/line-api';
import { createSender, type Sender } from '../../src/line/sender';
import { ALIAS, buildRichMenuDefinitions, deployRichMenus, loadRichMenuImages } from '../../src/richmenus';
import { staffModels } from '../../src/staff/models';
import { staffApiRouters } from '../../src/staff/routers';
import {
  activeVolunteerUserIds,
  casesInArea,
  offerNewCase,
  performVolunteerEffect,
  volunteerModels,
  volunteerRouter,
  type VolunteerDeps,
} from '../../src/volunteers';
import { dropTestDatabase, openTestDatabase } from '../helpers/db';
import { testLogger } from '../helpers/logger';
import { addStaff, login } from '../staff/helpers';
import { addCase, bearer, lineUserId } from '../case-api/helpers';
import { tellAdminsOfGuessing } from '../../src/notifications/staff-notifications';

let database: Database;
let emulator: LineEmulator;
let lineApi: LineApi;
let sender: Sender;
let i18n: i18n;
let deps: VolunteerDeps;
let app: Express;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  database = await openTestDatabase('volunteers');
  emulator = await startLineEmulator();
  lineApi = createLineApi({
    channelAccessToken: emulator.channelAccessToken,
    apiBaseUrl: emulator.url,
    dataApiBaseUrl: emulator.url,
    timeoutMs: 2000,
  });
  const connection = database.connection;
  sender = createSender({
    models: ingestionModels(connection),
    api: lineApi,
    logger: testLogger,
    instanceId: 'test',
    backoffMs: 10,
  });
  i18n = createI18n('th');
  deps = { connection, lineApi, sender, i18n, logger: testLogger };
  const api = new ApiRegistry();
  const routers = [
    ...staffApiRouters({ connection, logger: testLogger, api }, (guess) =>
      tellAdminsOfGuessing(connection, guess),
    ),
    volunteerRouter({ connection, logger: testLogger, api, lineApi, sender, i18n }),
  ];
  registerModels(connection);
  staffModels(connection);
  auditModel(connection);
  volunteerModels(connection);
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
  const definitions = buildRichMenuDefinitions(i18n.getFixedT('th'));
  await deployRichMenus(lineApi, definitions, loadRichMenuImages(definitions));
});

afterAll(async () => {
  await emulator.stop();
  await dropTestDatabase(database);
});

let runs = 0;
/** Registers through the flow's host effects, as the bot handler performs them. */
async function register(userId: string, areas: string, language = 'en', name = 'Test Volunteer') {
  const runId = `run-${++runs}`;
  const answers = { name, phone: '0812345678', areas, areasConfirmed: true, dataConsent: 'agree' };
  const effect: Effect = { type: 'host', action: 'volunteer.register', runId, language, answers };
  expect(await performVolunteerEffect(deps, effect, userId)).toEqual([]);
  // A redelivered event performs it again: still one registration.
  await performVolunteerEffect(deps, effect, userId);
  return runId;
}

const texts = (userId: string) =>
  emulator
    .sentMessages(userId)
    .map((m) => (m.message.type === 'text' ? m.message.text : m.message.altText) as string);
const volunteerMenuId = () => emulator.richMenuState().aliases[ALIAS.volunteer];

describe('registration and staff decisions', () => {
  it('stores a registration as pending with its areas, once, and previews the areas in the chat', async () => {
    const userId = lineUserId();
    const preview = await performVolunteerEffect(
      deps,
      {
        type: 'host',
        action: 'volunteer.previewAreas',
        runId: 'p',
        language: 'en',
        answers: { areas: 'Mae Rim, Chiang Mai, Atlantis' },
      },
      userId,
    );
    expect(preview).toEqual([{ type: 'text', text: expect.stringContaining('• Mae Rim, Chiang Mai') }]);
    expect((preview[0] as { text: string }).text).toContain('I could not find: Atlantis');

    const id = await register(userId, 'Mae Rim, Chiang Mai');
    const res = await request(app)
      .get('/api/volunteers?status=pending')
      .set(bearer(tokens.coordinator!))
      .expect(200);
    const mine = res.body.items.filter((v: { lineUserId: string }) => v.lineUserId === userId);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      id,
      status: 'pending',
      phone: '0812345678',
      areas: [{ provinceCode: '50', districtEn: 'Mae Rim' }],
    });
  });

  it('approves: links the volunteer menu and tells the volunteer once in their language', async () => {
    const userId = lineUserId();
    const id = await register(userId, 'เชียงใหม่', 'th');
    const first = await request(app)
      .post(`/api/volunteers/${id}/approve`)
      .set(bearer(tokens.coordinator!))
      .expect(200);
    expect(first.body).toMatchObject({ changed: true, volunteer: { status: 'active' } });
    expect(emulator.richMenuState().userLinks[userId]).toBe(volunteerMenuId());
    expect(await activeVolunteerUserIds(database.connection)).toContain(userId);
    const again = await request(app)
      .post(`/api/volunteers/${id}/approve`)
      .set(bearer(tokens.admin!))
      .expect(200);
    expect(again.body.changed).toBe(false);
    expect(texts(userId)).toEqual([i18n.getFixedT('th', 'volunteers')('notify.approved')]);
    const audit = await auditModel(database.connection)
      .find({ action: 'volunteer.approve', targetId: id })
      .lean();
    expect(audit).toHaveLength(1);
    // Approved cannot be rejected.
    await request(app)
      .post(`/api/volunteers/${id}/reject`)
      .set(bearer(tokens.coordinator!))
      .send({})
      .expect(409);
  });

  it('rejects politely, keeping the reason internal', async () => {
    const userId = lineUserId();
    const id = await register(userId, 'Lamphun');
    const res = await request(app)
      .post(`/api/volunteers/${id}/reject`)
      .set(bearer(tokens.coordinator!))
      .send({ reason: 'unknown to the network' })
      .expect(200);
    expect(res.body.volunteer).toMatchObject({ status: 'rejected', reason: 'unknown to the network' });
    expect(texts(userId)).toEqual([i18n.getFixedT('en', 'volunteers')('notify.rejected')]);
    expect(emulator.richMenuState().userLinks[userId]).toBeUndefined();
    await request(app).post(`/api/volunteers/${id}/approve`).set(bearer(tokens.coordinator!)).expect(409);
    const listed = await request(app)
      .get('/api/volunteers?status=rejected')
      .set(bearer(tokens.admin!))
      .expect(200);
    expect(listed.body.items.map((v: { id: string }) => v.id)).toContain(id);
    // The audit trail outlives an erasure, so it records that a reason was given, not the words.
    const audit = await auditModel(database.connection)
      .find({ action: 'volunteer.reject', targetId: id })
      .lean();
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain('unknown to the network');
    expect(audit[0]).toMatchObject({ details: { withReason: true } });
  });

  it('revokes: unlinks the menu and tells the volunteer', async () => {
    const userId = lineUserId();
    const id = await register(userId, 'Lamphun');
    await request(app).post(`/api/volunteers/${id}/approve`).set(bearer(tokens.coordinator!)).expect(200);
    expect(emulator.richMenuState().userLinks[userId]).toBe(volunteerMenuId());
    const res = await request(app)
      .post(`/api/volunteers/${id}/revoke`)
      .set(bearer(tokens.coordinator!))
      .expect(200);
    expect(res.body.volunteer.status).toBe('revoked');
    expect(emulator.richMenuState().userLinks[userId]).toBeUndefined();
    expect(texts(userId)).toHaveLength(2);
    expect(texts(userId)[1]).toBe(i18n.getFixedT('en', 'volunteers')('notify.revoked'));
  });

  it('a newer registration supersedes a pending one', async () => {
    const userId = lineUserId();
    const older = await register(userId, 'Lamphun');
    const newer = await register(userId, 'Lampang');
    await request(app).post(`/api/volunteers/${older}/approve`).set(bearer(tokens.coordinator!)).expect(409);
    const pending = await request(app).get('/api/volunteers').set(bearer(tokens.coordinator!)).expect(200);
    const ids = pending.body.items.map((v: { id: string }) => v.id);
    expect(ids).toContain(newer);
    expect(ids).not.toContain(older);
  });

  it('lets only admins and coordinators manage volunteers', async () => {
    const id = await register(lineUserId(), 'Lamphun');
    for (const role of ['caseworker', 'viewer']) {
      await request(app).get('/api/volunteers').set(bearer(tokens[role]!)).expect(403);
      await request(app).post(`/api/volunteers/${id}/approve`).set(bearer(tokens[role]!)).expect(403);
      await request(app).post(`/api/volunteers/${id}/reject`).set(bearer(tokens[role]!)).send({}).expect(403);
      await request(app).post(`/api/volunteers/${id}/revoke`).set(bearer(tokens[role]!)).expect(403);
    }
    await request(app).get('/api/volunteers').expect(401);
    const still = await volunteerModels(database.connection).Volunteer.findById(id).lean();
    expect(still?.status).toBe('pending');
  });
});

describe('cases in my area', () => {
  it('lists open cases in the areas and the assigned case (with its contact), nothing else', async () => {
    const userId = lineUserId();
    const id = await register(userId, 'Khao Kho, Phetchabun; Lamphun');
    await request(app).post(`/api/volunteers/${id}/approve`).set(bearer(tokens.coordinator!)).expect(200);
    const typed = (district: string, province: string) => ({
      location: { typedAddress: { district, province } },
    });
    const inDistrict = await addCase(database, typed('เขาค้อ', 'เพชรบูรณ์'));
    const otherDistrict = await addCase(database, typed('หล่มสัก', 'เพชรบูรณ์'));
    const wholeProvince = await addCase(database, typed('ป่าซาง', 'ลำพูน'));
    const elsewhere = await addCase(database, typed('แม่ริม', 'เชียงใหม่'));
    const visit = await addCase(database, typed('แม่ริม', 'เชียงใหม่'));
    // A shared point resolves to the province only: a Khao Kho volunteer still sees it.
    const pointOnly = await addCase(database, { location: { lat: 16.65, lng: 101.13 } });
    expect(inDistrict.location.resolved.districtCode).toBeDefined();
    expect(pointOnly.location.resolved.districtCode).toBeUndefined();

    expect(await casesInArea(database.connection, lineUserId())).toBeNull();
    const before = await casesInArea(database.connection, userId);
    const refs = before!.map((c) => c.reference);
    expect(refs).toEqual(
      expect.arrayContaining([inDistrict.reference, wholeProvince.reference, pointOnly.reference]),
    );
    expect(refs).not.toContain(otherDistrict.reference);
    expect(refs).not.toContain(elsewhere.reference);
    expect(before!.every((c) => c.visit === undefined)).toBe(true);
    expect(JSON.stringify(before)).not.toContain(inDistrict.household.phone!);

    await request(app)
      .post(`/api/cases/${visit.reference}/assign-volunteer`)
      .set(bearer(tokens.caseworker!))
      .send({ volunteerId: id })
      .expect(403);
    await request(app)
      .post(`/api/cases/${visit.reference}/assign-volunteer`)
      .set(bearer(tokens.coordinator!))
      .send({ volunteerId: id })
      .expect(200);
    const after = await casesInArea(database.connection, userId);
    expect(after![0]).toMatchObject({
      reference: visit.reference,
      assigned: true,
      visit: { phone: visit.household.phone },
    });
    expect(after!.map((c) => c.reference)).not.toContain(elsewhere.reference);
    const told = emulator.sentMessages(userId).at(-1)!.message as { type: string; altText: string };
    expect(told).toMatchObject({ type: 'flex', altText: expect.stringContaining(visit.reference) });

    const shown = await performVolunteerEffect(
      deps,
      { type: 'host', action: 'volunteer.showAreaCases', runId: 'x', language: 'en', answers: {} },
      userId,
    );
    expect(shown[0]).toMatchObject({ type: 'flex', contents: { type: 'carousel' } });
  });
});

describe('offerNewCase', () => {
  it('offers a new case to volunteers covering it, at most N, keeping 20 % of the quota free', async () => {
    const province = 'น่าน';
    const volunteers = [];
    for (let i = 0; i < 3; i++) {
      const userId = lineUserId();
      const id = await register(userId, 'Nan');
      await request(app).post(`/api/volunteers/${id}/approve`).set(bearer(tokens.coordinator!)).expect(200);
      volunteers.push(userId);
    }
    const offerCase = () => addCase(database, { location: { typedAddress: { district: 'ปัว', province } } });

    // The smallest monthly quota that leaves exactly two messages once 20 % of it is kept free.
    const used = emulator.quotaConsumption();
    let quota = used;
    while (quota - used - Math.ceil(quota * 0.2) < 2) quota++;
    emulator.setQuota({ type: 'limited', value: quota });
    const first = await offerCase();
    const limited = await offerNewCase(deps, first);
    expect(limited.eligible).toBe(3);
    expect(limited.offered).toEqual(volunteers.slice(0, 2));
    expect(limited.skipped).toBe('quota');

    emulator.setQuota({ type: 'limited', value: emulator.quotaConsumption() });
    const none = await offerNewCase(deps, await offerCase());
    expect(none).toMatchObject({ offered: [], skipped: 'quota' });

    emulator.setQuota({ type: 'none' });
    const second = await offerCase();
    const capped = await offerNewCase(deps, second, { maxPerCase: 2 });
    expect(capped.offered).toEqual(volunteers.slice(0, 2));
    await offerNewCase(deps, second, { maxPerCase: 2 });
    const offers = volunteers.map((v) =>
      emulator.sentMessages(v).filter((m) => String(m.message.altText ?? '').includes(second.reference)),
    );
    expect(offers.map((o) => o.length)).toEqual([1, 1, 0]);
  });
});
