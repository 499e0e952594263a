import { mediaModels } from '../../src/media/models';
import request from 'supertest';
import { caseModels } from '../../src/cases/create-case';
import { createAuditLog } from '../../src/staff/audit-log';
import type { Database } from '../../src/db/connection';
import { ingestionModels } from '../../src/ingestion/models';
import { solidPng } from '../../src/line-emulator';
import { PERMISSIONS, ROLES, type Role } from '../../src/staff/permissions';
import { createCaseService } from '../../src/cases/case-service';
import { caseApiModels, type CaseChangeDoc } from '../../src/cases/case-records';
import { createNotifier } from '../../src/cases/reporter-notifications';
import { createErrorSink } from '../../src/errors';
import { createI18n } from '../../src/i18n';
import { testLogger } from '../helpers/logger';
import { dropTestDatabase, openTestDatabase } from '../helpers/db';
import { addCase, bearer, buildCaseApiApp, lineUserId, type CaseApiHarness } from './helpers';

let database: Database;
let h: CaseApiHarness;

beforeAll(async () => {
  database = await openTestDatabase('caseapi');
  h = await buildCaseApiApp(database);
});
afterAll(async () => {
  await h.stop();
  await dropTestDatabase(database);
});

const as = (role: Role) => bearer(h.tokens[role]);
const flexTexts = (message: Record<string, unknown>) => JSON.stringify(message);

describe('role matrix', () => {
  // Invalid bodies where the route writes: validation runs after the role check, so an allowed
  // role gets 400 and nothing changes.
  const REF = 'NL-2569-999999';
  const routes: {
    method: 'get' | 'patch' | 'post';
    path: string;
    action: keyof typeof PERMISSIONS;
    body?: object;
  }[] = [
    { method: 'get', path: '/api/cases', action: 'cases.read' },
    { method: 'get', path: `/api/cases/${REF}`, action: 'cases.read' },
    { method: 'patch', path: `/api/cases/${REF}`, action: 'cases.update', body: {} },
    { method: 'post', path: `/api/cases/${REF}/notes`, action: 'cases.notes', body: {} },
    { method: 'post', path: `/api/cases/${REF}/photos`, action: 'cases.update' },
    { method: 'get', path: '/api/media/nothing', action: 'media.read' },
    { method: 'get', path: '/api/duplicates', action: 'cases.read' },
    { method: 'post', path: '/api/duplicates/merge', action: 'cases.merge', body: {} },
    { method: 'post', path: '/api/duplicates/dismiss', action: 'cases.update', body: {} },
    { method: 'get', path: '/api/dashboard', action: 'dashboard.read' },
    { method: 'get', path: '/api/cases/export.csv', action: 'cases.export' },
    { method: 'get', path: '/api/cases/export.xlsx', action: 'cases.export' },
    { method: 'get', path: '/api/cases/export.geojson', action: 'cases.export' },
  ];

  it.each(routes)('$method $path: 401 without a token, 403 for roles without $action', async (route) => {
    const anonymous = await request(h.app)[route.method](route.path).send(route.body);
    expect(anonymous.status).toBe(401);
    for (const role of ROLES) {
      const res = await request(h.app)[route.method](route.path).set(as(role)).send(route.body);
      const allowed = (PERMISSIONS[route.action] as readonly Role[]).includes(role);
      if (allowed) expect([role, res.status]).not.toEqual([role, 403]);
      else expect([role, res.status, res.body.error?.code]).toEqual([role, 403, 'forbidden']);
      expect(res.status).not.toBe(401);
    }
  });

  it('documents every route in /api/openapi.json with its roles', async () => {
    const doc = (await request(h.app).get('/api/openapi.json').expect(200)).body;
    expect(doc.paths['/api/cases/{reference}'].patch['x-roles']).toEqual([...PERMISSIONS['cases.update']]);
    for (const path of [
      '/api/cases',
      '/api/cases/export.csv',
      '/api/media/{id}',
      '/api/duplicates/merge',
      '/api/dashboard',
    ])
      expect(doc.paths[path]).toBeDefined();
  });
});

describe('reading cases', () => {
  it('lists with filters, pages with a cursor, masks personal data for viewers and audits reads', async () => {
    const reporter = lineUserId();
    const mine = [];
    for (let i = 0; i < 3; i++)
      mine.push(await addCase(database, { reporter: { lineUserId: reporter }, category: 'water' }));
    await addCase(database, { category: 'toilet' });

    const first = await request(h.app)
      .get('/api/cases')
      .query({ lineUserId: reporter, limit: 2 })
      .set(as('coordinator'))
      .expect(200);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await request(h.app)
      .get('/api/cases')
      .query({ lineUserId: reporter, limit: 2, cursor: first.body.nextCursor })
      .set(as('coordinator'))
      .expect(200);
    expect(second.body.nextCursor).toBeNull();
    const seen = [...first.body.items, ...second.body.items].map((c: { reference: string }) => c.reference);
    expect(seen.sort()).toEqual(mine.map((c) => c.reference).sort());
    expect(first.body.items[0].personal.headName).toMatch(/^นางคำ/);

    const water = await request(h.app)
      .get('/api/cases')
      .query({ category: 'water,roof', status: 'new' })
      .set(as('viewer'))
      .expect(200);
    expect(water.body.items.length).toBeGreaterThanOrEqual(3);
    for (const item of water.body.items) {
      expect(item.masked).toBe(true);
      expect(item.personal).toBeNull();
      expect(JSON.stringify(item)).not.toContain('นางคำ');
    }
    // A viewer may not look people up by LINE id.
    await request(h.app).get('/api/cases').query({ lineUserId: reporter }).set(as('viewer')).expect(403);

    const byText = await request(h.app)
      .get('/api/cases')
      .query({ q: mine[1]!.reference.toLowerCase() })
      .set(as('admin'))
      .expect(200);
    expect(byText.body.items.map((c: { reference: string }) => c.reference)).toEqual([mine[1]!.reference]);
    const byName = await request(h.app).get('/api/cases').query({ q: 'นางคำ' }).set(as('admin')).expect(200);
    expect(byName.body.items.length).toBeGreaterThanOrEqual(4);
    const regexy = await request(h.app).get('/api/cases').query({ q: '.*' }).set(as('admin')).expect(200);
    expect(regexy.body.items).toEqual([]);
    // A viewer's search cannot tell whether a name is on a case: it reaches the reference and places only.
    const viewerSearch = (q: string) =>
      request(h.app).get('/api/cases').query({ q }).set(as('viewer')).expect(200);
    expect((await viewerSearch('นางคำ')).body.items).toEqual([]);
    expect((await viewerSearch(mine[1]!.reference.toLowerCase())).body.items).toHaveLength(1);
    expect((await viewerSearch('Phetchabun')).body.items.length).toBeGreaterThanOrEqual(4);

    const audit = createAuditLog(database.connection);
    const reads = await audit.list({ action: 'personal_data.read', targetId: 'list', limit: 50 });
    expect(reads.items.length).toBeGreaterThanOrEqual(1);
    const viewerReads = await audit.list({
      action: 'personal_data.read',
      actor: h.staffIds.viewer,
      limit: 50,
    });
    expect(viewerReads.items).toHaveLength(0);
  });

  it('explains invalid filters', async () => {
    const res = await request(h.app)
      .get('/api/cases')
      .query({ status: 'open', province: 'Chiang Mai', limit: 0, from: 'yesterday', extra: 1 })
      .set(as('admin'))
      .expect(400);
    const paths = res.body.error.details.problems.map((p: { path: string }) => p.path).sort();
    expect(paths).toEqual(expect.arrayContaining(['status.0', 'province.0', 'limit', 'from']));
    await request(h.app).get('/api/cases/not-a-reference').set(as('admin')).expect(400);
    await request(h.app).get('/api/cases/NL-2569-123456').set(as('admin')).expect(404);
  });

  it('limits caseworkers to their provinces or assigned cases', async () => {
    const elsewhere = await addCase(database, { location: { lat: 18.79, lng: 98.98 } }); // Chiang Mai
    const here = await addCase(database);
    await request(h.app).get(`/api/cases/${elsewhere.reference}`).set(as('caseworker')).expect(404);
    await request(h.app).get(`/api/cases/${here.reference}`).set(as('caseworker')).expect(200);
    await request(h.app)
      .patch(`/api/cases/${elsewhere.reference}`)
      .set(as('coordinator'))
      .send({ assigneeId: h.staffIds.caseworker })
      .expect(200);
    await request(h.app).get(`/api/cases/${elsewhere.reference}`).set(as('caseworker')).expect(200);
    // Assigning is for managers only.
    const refused = await request(h.app)
      .patch(`/api/cases/${here.reference}`)
      .set(as('caseworker'))
      .send({ assigneeId: h.staffIds.admin });
    expect(refused.status).toBe(403);
  });

  it('gives the full record with timeline, media links and messages to staff, and streams media', async () => {
    const record = await addCase(database, {
      location: { lat: 16.65, lng: 101.13, shared: { title: 'บ้านนางคำ', address: 'อำเภอเขาค้อ เพชรบูรณ์' } },
    });
    const png = solidPng(4, 4);
    const upload = await request(h.app)
      .post(`/api/cases/${record.reference}/photos`)
      .set(as('caseworker'))
      .set('content-type', 'image/png')
      .send(png)
      .expect(201);
    await request(h.app)
      .post(`/api/cases/${record.reference}/photos`)
      .set(as('caseworker'))
      .set('content-type', 'text/plain')
      .send('hello')
      .expect(415);
    // A page declared as a photo: refused by its bytes, and nothing of it is kept.
    const disguised = await request(h.app)
      .post(`/api/cases/${record.reference}/photos`)
      .set(as('caseworker'))
      .set('content-type', 'image/jpeg')
      .send(Buffer.from('<html><script>alert(1)</script></html>'))
      .expect(415);
    expect(disguised.body.error.code).toBe('not_an_image');
    expect(
      await mediaModels(database.connection).Media.countDocuments({ caseReference: record.reference }),
    ).toBe(1);

    const detail = await request(h.app)
      .get(`/api/cases/${record.reference}`)
      .set(as('caseworker'))
      .expect(200);
    expect(detail.body.media).toEqual([
      { id: upload.body.mediaId, url: `/api/media/${upload.body.mediaId}`, kind: 'image' },
    ]);
    expect(detail.body.timeline.map((e: { kind: string }) => e.kind)).toEqual(['created', 'media_added']);
    expect(detail.body.personal.phone).toBeDefined();
    expect(detail.body.personal.sharedPlace).toBe('บ้านนางคำ · อำเภอเขาค้อ เพชรบูรณ์');
    expect(detail.body.province.district).toBe('เขาค้อ');

    const bytes = await request(h.app)
      .get(upload.body.url)
      .set(as('caseworker'))
      .buffer(true)
      .parse((res, done) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => done(null, Buffer.concat(parts)));
      })
      .expect(200);
    expect(bytes.headers['content-type']).toBe('image/png');
    expect(Number(bytes.headers['content-length'])).toBe(png.length);
    expect(Buffer.compare(bytes.body as Buffer, png)).toBe(0);
    await request(h.app).get(upload.body.url).set(as('viewer')).expect(403);

    const masked = await request(h.app).get(`/api/cases/${record.reference}`).set(as('viewer')).expect(200);
    expect(masked.body.media).toEqual([]);
    expect(masked.body.messages).toEqual([]);
    expect(masked.body.personal).toBeNull();

    const audit = createAuditLog(database.connection);
    expect(
      (await audit.list({ action: 'personal_data.read', targetId: upload.body.mediaId, limit: 5 })).items,
    ).toHaveLength(1);
    expect(
      (await audit.list({ action: 'personal_data.read', targetId: record.reference, limit: 5 })).items,
    ).toHaveLength(1);
  });
});

describe('lifecycle through the API and notifications', () => {
  it('moves a case along, refuses illegal moves, and tells the reporter once per change in their language', async () => {
    const reporter = lineUserId();
    await ingestionModels(database.connection).LineUser.create({
      _id: reporter,
      followed: true,
      language: 'en',
    });
    const record = await addCase(database, { reporter: { lineUserId: reporter }, language: 'th' });
    const patch = (body: object, role: Role = 'caseworker') =>
      request(h.app).patch(`/api/cases/${record.reference}`).set(as(role)).send(body);

    const illegal = await patch({ status: 'completed' }).expect(409);
    expect(illegal.body.error).toMatchObject({
      code: 'illegal_transition',
      details: { from: 'new', allowed: expect.any(Array) },
    });
    // Quiet by default (reviewing); told when staff tick the box.
    await patch({ status: 'reviewing', notify: true }).expect(200);
    // Two identical requests at once (a double click): one change, one message.
    const [a, b] = await Promise.all([
      patch({ status: 'visit_scheduled', visitDate: '2026-12-24' }),
      patch({ status: 'visit_scheduled', visitDate: '2026-12-24' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, expect.any(Number)]);
    expect([200, 409]).toContain(b.status);
    await patch({ status: 'visit_scheduled', visitDate: '2026-12-24' }).expect(200);
    await patch({ visitDate: '2026-13-01' }).expect(400);
    await patch({ status: 'declined' }).expect(422);

    const sent = h.emulator.sentMessages(reporter);
    expect(sent).toHaveLength(2);
    expect(sent.every((m) => m.via === 'push' && m.message.type === 'flex')).toBe(true);
    expect(flexTexts(sent[0]!.message)).toContain('Under review');
    expect(flexTexts(sent[1]!.message)).toContain('Home visit scheduled');
    expect(flexTexts(sent[1]!.message)).toContain('24 December 2026');
    expect(flexTexts(sent[1]!.message)).toContain(record.reference);

    const outbound = await ingestionModels(database.connection)
      .OutboundMessage.find({ caseReference: record.reference })
      .lean();
    expect(outbound).toHaveLength(2);
    const detail = await request(h.app).get(`/api/cases/${record.reference}`).set(as('admin')).expect(200);
    expect(detail.body.messages.filter((m: { direction: string }) => m.direction === 'out')).toHaveLength(2);
    expect(detail.body.visitDate).toBe('2026-12-24');
  });

  it('writes Thai cards with the Buddhist Era, tells the volunteer too, asks for a rating, skips unfollowers', async () => {
    const household = lineUserId();
    const volunteer = lineUserId();
    const gone = lineUserId();
    const users = ingestionModels(database.connection).LineUser;
    await users.create({ _id: volunteer, followed: true, language: 'th' });
    await users.create({ _id: gone, followed: false, language: 'th' });
    const record = await addCase(database, {
      reporter: { lineUserId: household },
      reportedBy: 'volunteer',
      volunteer: { lineUserId: volunteer, relation: 'อสม.', householdInformed: true },
    });
    const unfollowed = await addCase(database, { reporter: { lineUserId: gone } });
    const steps = [
      { status: 'reviewing' },
      { status: 'visit_scheduled', visitDate: '2026-12-24' },
      { status: 'assessed' },
      { status: 'approved' },
      { status: 'in_progress' },
      { status: 'completed' },
    ];
    for (const step of steps) {
      await request(h.app)
        .patch(`/api/cases/${record.reference}`)
        .set(as('coordinator'))
        .send(step)
        .expect(200);
      await request(h.app)
        .patch(`/api/cases/${unfollowed.reference}`)
        .set(as('coordinator'))
        .send(step)
        .expect(200);
    }
    for (const user of [household, volunteer]) {
      // With the defaults: the visit, the approval, the completion (its rating in the same bubble).
      // The household (its own LINE account on a volunteer's report) is also asked, in the same call, about
      // publishing its repair; the volunteer never is: they cannot agree for a family.
      const sent = h.emulator.sentMessages(user);
      expect(sent).toHaveLength(user === household ? 4 : 3);
      if (user === household) {
        expect(flexTexts(sent[3]!.message)).toContain(`publish:yes:${record.reference}`);
        expect(sent[3]!.requestId).toBe(sent[2]!.requestId);
      }
      expect(flexTexts(sent[0]!.message)).toContain('24 ธันวาคม 2569');
      expect(flexTexts(sent[1]!.message)).toContain('อนุมัติแล้ว');
      const rating = flexTexts(sent[2]!.message);
      for (const n of [1, 2, 3, 4, 5]) expect(rating).toContain(`rate:${record.reference}:${n}`);
    }
    expect(h.emulator.sentMessages(gone)).toHaveLength(0);
    // Completed is an ending: the only way out is back to review (a reopened case).
    const final = await request(h.app)
      .patch(`/api/cases/${record.reference}`)
      .set(as('coordinator'))
      .send({ status: 'in_progress' });
    expect(final.status).toBe(409);
  });

  it('records an intermediate step without a card when staff say so, never a visit or an ending', async () => {
    const reporter = lineUserId();
    const record = await addCase(database, { reporter: { lineUserId: reporter } });
    const patch = (body: object) =>
      request(h.app).patch(`/api/cases/${record.reference}`).set(as('coordinator')).send(body);

    await patch({ status: 'reviewing', notify: false }).expect(200);
    expect(h.emulator.sentMessages(reporter)).toHaveLength(0);
    const refused = await patch({ status: 'visit_scheduled', visitDate: '2026-12-24', notify: false }).expect(
      422,
    );
    expect(refused.body.error.code).toBe('reporter_must_be_told');
    await patch({ status: 'visit_scheduled', visitDate: '2026-12-24' }).expect(200);
    expect(h.emulator.sentMessages(reporter)).toHaveLength(1);

    // The quiet step is marked in the timeline and the sweep never sends it later.
    const stored = (await caseModels(database.connection)
      .cases.findOne({ reference: record.reference })
      .lean())!;
    expect(stored.timeline.find((entry) => entry.to === 'reviewing')).toMatchObject({
      visibility: 'internal',
    });
    expect(stored.timeline.find((entry) => entry.to === 'visit_scheduled')?.visibility).toBeUndefined();
    const service = createCaseService({
      connection: database.connection,
      notifier: createNotifier({
        models: caseApiModels(database.connection),
        ingestion: ingestionModels(database.connection),
        sender: h.sender,
        i18n: createI18n('th'),
        clock: () => new Date(),
      }),
      reportError: createErrorSink(testLogger),
      clock: () => new Date(Date.now() + 120_000),
    });
    await service.resendPending();
    expect(h.emulator.sentMessages(reporter)).toHaveLength(1);
  });

  it('delivers one change once however often it is notified, also after a crash before notifying', async () => {
    const reporter = lineUserId();
    const record = await addCase(database, { reporter: { lineUserId: reporter } });
    await request(h.app)
      .patch(`/api/cases/${record.reference}`)
      .set(as('coordinator'))
      .send({ status: 'reviewing', notify: true })
      .expect(200);
    expect(h.emulator.sentMessages(reporter)).toHaveLength(1);

    const models = caseApiModels(database.connection);
    const notifier = createNotifier({
      models,
      ingestion: ingestionModels(database.connection),
      sender: h.sender,
      i18n: createI18n('th'),
      clock: () => new Date(),
    });
    const change = (await models.CaseChange.findById(`${record.reference}:1`).lean<CaseChangeDoc>())!;
    expect(change).toMatchObject({
      from: 'new',
      to: 'reviewing',
      appliedAt: expect.any(Date),
      notifiedAt: expect.any(Date),
    });
    const stored = (await caseModels(database.connection)
      .cases.findOne({ reference: record.reference })
      .lean())!;
    const again = await Promise.all([
      notifier.notifyChange(stored, change),
      notifier.notifyChange(stored, change),
    ]);
    expect(again).toEqual([0, 0]);

    // A crash between the change and its notification: the sweep sends it, once.
    await models.CaseChange.updateOne({ _id: change._id }, { $unset: { notifiedAt: 1 } });
    const service = createCaseService({
      connection: database.connection,
      notifier,
      reportError: createErrorSink(testLogger),
      clock: () => new Date(Date.now() + 120_000),
    });
    expect(await service.resendPending()).toBe(1);
    expect(h.emulator.sentMessages(reporter)).toHaveLength(1);
    expect(await service.resendPending()).toBe(0);
  });

  it('sends reporter notes to the reporter and keeps internal notes internal', async () => {
    const reporter = lineUserId();
    const record = await addCase(database, { reporter: { lineUserId: reporter } });
    await request(h.app)
      .post(`/api/cases/${record.reference}/notes`)
      .set(as('caseworker'))
      .send({ text: 'ภายใน' })
      .expect(201);
    await request(h.app)
      .post(`/api/cases/${record.reference}/notes`)
      .set(as('caseworker'))
      .send({ text: 'พรุ่งนี้ช่างจะไปดูหลังคา', visibility: 'reporter' })
      .expect(201);
    await request(h.app)
      .post(`/api/cases/${record.reference}/notes`)
      .set(as('caseworker'))
      .send({ text: '' })
      .expect(400);
    const sent = h.emulator.sentMessages(reporter);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.message).toMatchObject({
      type: 'text',
      text: expect.stringContaining('พรุ่งนี้ช่างจะไปดูหลังคา'),
    });
    const stored = await caseModels(database.connection)
      .cases.findOne({ reference: record.reference })
      .lean();
    expect(stored?.firstActionAt).toBeInstanceOf(Date);
  });
});

describe('duplicates', () => {
  it('lists flagged pairs, merges with photos, notes and reporters kept, and tells both reporters', async () => {
    const first = lineUserId();
    const second = lineUserId();
    const place = { lat: 15.2, lng: 100.5 };
    const older = await addCase(database, {
      reporter: { lineUserId: first },
      location: place,
      household: { headName: 'นายสมชาย ใจดี', size: 3, vulnerable: [], tenure: 'own' },
    });
    const newer = await addCase(database, {
      reporter: { lineUserId: second },
      location: { lat: 15.2001, lng: 100.5 },
      mediaIds: ['photo-a'],
      household: { headName: 'นายสมชาย ใจดี', size: 3, vulnerable: [], tenure: 'own' },
    });
    expect(newer.possibleDuplicateOf.map((f) => f.reference)).toEqual([older.reference]);
    const list = await request(h.app).get('/api/duplicates').set(as('viewer')).expect(200);
    expect(list.body.items).toContainEqual(
      expect.objectContaining({ reference: newer.reference, of: older.reference }),
    );

    await request(h.app)
      .post(`/api/cases/${newer.reference}/notes`)
      .set(as('coordinator'))
      .send({ text: 'เพื่อนบ้านแจ้ง' })
      .expect(201);
    await request(h.app)
      .post('/api/duplicates/merge')
      .set(as('caseworker'))
      .send({ from: newer.reference, into: older.reference })
      .expect(403);
    await request(h.app)
      .post('/api/duplicates/merge')
      .set(as('coordinator'))
      .send({ from: newer.reference, into: newer.reference })
      .expect(400);
    await request(h.app)
      .post('/api/duplicates/merge')
      .set(as('coordinator'))
      .send({ from: newer.reference, into: older.reference })
      .expect(200);
    const again = await request(h.app)
      .post('/api/duplicates/merge')
      .set(as('coordinator'))
      .send({ from: newer.reference, into: older.reference });
    expect(again.status).toBe(409);

    const cases = caseModels(database.connection).cases;
    const survivor = await cases.findOne({ reference: older.reference }).lean();
    const merged = await cases.findOne({ reference: newer.reference }).lean();
    expect(merged).toMatchObject({
      status: 'duplicate',
      duplicateOf: older.reference,
      possibleDuplicateOf: [],
    });
    expect(survivor?.mediaIds).toContain('photo-a');
    expect(survivor?.extraReporters).toEqual([{ lineUserId: second, reference: newer.reference }]);
    expect(survivor?.timeline.some((e) => e.kind === 'note' && e.text === 'เพื่อนบ้านแจ้ง')).toBe(true);
    expect(survivor?.timeline.at(-1)).toMatchObject({ kind: 'merged', reference: newer.reference });

    expect(h.emulator.sentMessages(first)).toHaveLength(1);
    expect(flexTexts(h.emulator.sentMessages(first)[0]!.message)).toContain(newer.reference);
    expect(h.emulator.sentMessages(second)).toHaveLength(1);
    expect(flexTexts(h.emulator.sentMessages(second)[0]!.message)).toContain(older.reference);

    // From now on the merged reporter hears about the surviving case.
    await request(h.app)
      .patch(`/api/cases/${older.reference}`)
      .set(as('coordinator'))
      .send({ status: 'reviewing', notify: true })
      .expect(200);
    expect(h.emulator.sentMessages(second)).toHaveLength(2);
  });

  it('dismisses a flag', async () => {
    const place = { lat: 14.1, lng: 100.1 };
    const household = { headName: 'นางมาลี ทองดี', size: 2, vulnerable: [], tenure: 'own' as const };
    const a = await addCase(database, { location: place, household });
    const b = await addCase(database, { location: place, household });
    await request(h.app)
      .post('/api/duplicates/dismiss')
      .set(as('caseworker'))
      .send({ reference: b.reference, of: a.reference })
      .expect(404); // not in a caseworker's province
    await request(h.app)
      .post('/api/duplicates/dismiss')
      .set(as('coordinator'))
      .send({ reference: b.reference, of: a.reference })
      .expect(204);
    await request(h.app)
      .post('/api/duplicates/dismiss')
      .set(as('coordinator'))
      .send({ reference: b.reference, of: a.reference })
      .expect(404);
    const list = await request(h.app).get('/api/duplicates').set(as('admin')).expect(200);
    expect(list.body.items.filter((i: { reference: string }) => i.reference === b.reference)).toEqual([]);
  });
});

describe('dashboard', () => {
  it('counts by status, category, province and priority and gives medians', async () => {
    const res = await request(h.app).get('/api/dashboard').set(as('viewer')).expect(200);
    expect(res.body.total).toBeGreaterThan(5);
    expect(res.body.byStatus.new).toBeGreaterThan(0);
    expect(res.body.byCategory.roof).toBeGreaterThan(0);
    expect(res.body.byProvince['67']).toBeGreaterThan(0);
    expect(res.body.newPerWeek).toHaveLength(12);
    expect(res.body.newPerWeek.at(-1).count).toBe(res.body.total);
    expect(res.body.medianDaysToFirstAction).toEqual(expect.any(Number));
    expect(res.body.medianDaysToCompletion).toEqual(expect.any(Number));
  });
});
