import request from 'supertest';
import type { Express } from 'express';
import type { ApiRegistry } from '../../src/http/openapi';
import { campaignRouter } from '../../src/campaigns/router';
import { campaignModels, type SurveyStatus } from '../../src/campaigns/model';
import { createI18n } from '../../src/i18n';
import { engine } from '../conversation/harness';
import type { Database } from '../../src/db/connection';
import { volunteerModels } from '../../src/volunteers';
import { auditModel } from '../../src/staff/audit-model';
import { dropTestDatabase, openTestDatabase } from '../helpers/db';
import { addStaff, buildStaffApp, login } from '../staff/helpers';

let database: Database;
let app: Express;
let api: ApiRegistry;
const tokens: Record<string, string> = {};
const auth = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });

/** Khao Kho district, Phetchabun (67): the Hmong villages the partnership starts with. */
const KHAO_KHO = { provinceCode: '67', districtCode: '6711', subdistrictCode: '671107' };
const body = (extra: object = {}) => ({
  name: 'Khao Kho baseline 2569',
  area: KHAO_KHO,
  villages: [
    { name: 'Ban Khek Noi', target: 40 },
    { name: 'Ban Mon Ya', target: 25 },
  ],
  startsOn: '2026-01-10',
  endsOn: '2099-03-31',
  volunteerIds: ['vol-a'],
  ...extra,
});

beforeAll(async () => {
  database = await openTestDatabase('campaigns');
  campaignModels(database.connection);
  volunteerModels(database.connection);
  ({ app, api } = await buildStaffApp(database, {
    routers: (deps) => [campaignRouter({ ...deps, flows: engine.flows, i18n: createI18n('th') })],
  }));
  const { Volunteer } = volunteerModels(database.connection);
  const volunteer = (id: string, status: 'active' | 'pending') => ({
    _id: id,
    lineUserId: `U${id}`.padEnd(33, '0'),
    status,
    name: `Volunteer ${id}`,
    phone: '0812345678',
    areas: [],
    language: 'th',
    registeredAt: new Date(),
  });
  await Volunteer.create([volunteer('vol-a', 'active'), volunteer('vol-b', 'pending')]);
  tokens.admin = await login(app, (await addStaff(database, 'admin')).email);
  tokens.coordinator = await login(app, (await addStaff(database, 'coordinator')).email);
  tokens.coordinatorNorth = await login(
    app,
    (await addStaff(database, 'coordinator', { provinces: ['50'] })).email,
  );
  tokens.caseworker67 = await login(
    app,
    (await addStaff(database, 'caseworker', { provinces: ['67'] })).email,
  );
  tokens.caseworker50 = await login(
    app,
    (await addStaff(database, 'caseworker', { provinces: ['50'] })).email,
  );
  tokens.viewer = await login(app, (await addStaff(database, 'viewer')).email);
});

afterAll(() => dropTestDatabase(database));

describe('/api/campaigns', () => {
  let id = '';

  it('lets a coordinator create a campaign: area named from its codes, villages numbered, target summed', async () => {
    const res = await request(app).post('/api/campaigns').set(auth('coordinator')).send(body()).expect(201);
    id = res.body.id;
    expect(id).toMatch(/^cmp-/);
    expect(res.body).toMatchObject({
      name: 'Khao Kho baseline 2569',
      area: {
        provinceCode: '67',
        province: 'เพชรบูรณ์',
        provinceEn: 'Phetchabun',
        districtCode: '6711',
        district: 'เขาค้อ',
        subdistrictCode: '671107',
        subdistrictEn: 'Khek Noi',
      },
      villages: [
        { id: 'v1', name: 'Ban Khek Noi', target: 40 },
        { id: 'v2', name: 'Ban Mon Ya', target: 25 },
      ],
      target: 65,
      flowId: 'household-survey',
      running: true,
      status: 'running',
      volunteers: [{ volunteerId: 'vol-a', name: 'Volunteer vol-a' }],
    });
    // The coordinator read the volunteers' names: audited.
    expect(
      await auditModel(database.connection).countDocuments({
        action: 'personal_data.read',
        targetType: 'campaign',
        targetId: id,
      }),
    ).toBe(1);
  });

  it('refuses caseworkers and viewers creating, and bad input with every problem', async () => {
    await request(app).post('/api/campaigns').set(auth('caseworker67')).send(body()).expect(403);
    await request(app).post('/api/campaigns').set(auth('viewer')).send(body()).expect(403);
    await request(app).post('/api/campaigns').send(body()).expect(401);
    const bad = await request(app)
      .post('/api/campaigns')
      .set(auth('admin'))
      .send(body({ startsOn: '2026-05-01', endsOn: '2026-04-01', villages: [], name: '' }))
      .expect(400);
    const paths = bad.body.error.details.problems.map((p: { path: string }) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['name']));
  });

  it("refuses an unknown area, an unapproved volunteer, and an area outside a coordinator's provinces", async () => {
    const area = await request(app)
      .post('/api/campaigns')
      .set(auth('admin'))
      .send(body({ area: { provinceCode: '67', districtCode: '5001' } }))
      .expect(400);
    expect(area.body.error.code).toBe('unknown_area');
    const volunteer = await request(app)
      .post('/api/campaigns')
      .set(auth('admin'))
      .send(body({ volunteerIds: ['vol-a', 'vol-b'] }))
      .expect(409);
    expect(volunteer.body.error).toMatchObject({
      code: 'volunteer_not_active',
      details: { volunteerIds: ['vol-b'] },
    });
    await request(app).post('/api/campaigns').set(auth('coordinatorNorth')).send(body()).expect(403);
  });

  it('lets every role read the campaigns of its provinces, and only those', async () => {
    const ids = async (who: string) =>
      (await request(app).get('/api/campaigns').set(auth(who)).expect(200)).body.items.map(
        (c: { id: string }) => c.id,
      );
    expect(await ids('viewer')).toEqual([id]);
    expect(await ids('caseworker67')).toEqual([id]);
    expect(await ids('caseworker50')).toEqual([]);
    expect(await ids('coordinatorNorth')).toEqual([]);
    await request(app).get(`/api/campaigns/${id}`).set(auth('caseworker50')).expect(404);
    const one = await request(app).get(`/api/campaigns/${id}`).set(auth('viewer')).expect(200);
    // Viewers do not manage volunteers: no names.
    expect(one.body.volunteers).toEqual([{ volunteerId: 'vol-a', name: null }]);
  });

  it('changes a campaign: villages keep their ids, new ones get the next, targets are summed again', async () => {
    const res = await request(app)
      .patch(`/api/campaigns/${id}`)
      .set(auth('coordinator'))
      .send({
        villages: [
          { id: 'v2', name: 'Ban Mon Ya', target: 30 },
          { name: 'Ban Thung Samo', target: 10 },
        ],
        volunteerIds: [],
      })
      .expect(200);
    expect(res.body.villages).toEqual([
      { id: 'v2', name: 'Ban Mon Ya', target: 30 },
      { id: 'v3', name: 'Ban Thung Samo', target: 10 },
    ]);
    expect(res.body.target).toBe(40);
    expect(res.body.volunteers).toEqual([]);
    await request(app)
      .patch(`/api/campaigns/${id}`)
      .set(auth('caseworker67'))
      .send({ name: 'x' })
      .expect(403);
    await request(app).patch(`/api/campaigns/cmp-nothere`).set(auth('admin')).send({ name: 'x' }).expect(404);
  });

  it('is in the OpenAPI document with its roles', () => {
    const doc = api.document({ title: 't', version: '1' }) as {
      paths: Record<string, Record<string, { 'x-roles'?: string[] }>>;
    };
    expect(doc.paths['/api/campaigns']?.post?.['x-roles']).toEqual(['admin', 'coordinator']);
    expect(doc.paths['/api/campaigns']?.get?.['x-roles']).toEqual([
      'admin',
      'coordinator',
      'caseworker',
      'viewer',
    ]);
    expect(doc.paths['/api/campaigns/{id}']?.patch).toBeDefined();
  });

  it('lists each campaign with its status from its dates and the households surveyed so far', async () => {
    const create = async (extra: object) =>
      (await request(app).post('/api/campaigns').set(auth('admin')).send(body(extra)).expect(201)).body
        .id as string;
    const upcoming = await create({ name: 'Later', startsOn: '2098-01-01', endsOn: '2098-02-01' });
    const ended = await create({ name: 'Done', startsOn: '2020-01-01', endsOn: '2020-02-01' });
    const now = new Date();
    const survey = (n: number, status: SurveyStatus, campaignId = id) => ({
      _id: `run-list-${n}`,
      campaignId,
      villageId: 'v2',
      status,
      volunteerId: 'vol-a',
      language: 'th',
      flowId: 'household-survey',
      flowVersion: 1,
      startedAt: now,
      updatedAt: now,
    });
    await campaignModels(database.connection).Survey.create([
      survey(1, 'completed'),
      survey(2, 'completed'),
      survey(3, 'declined'),
      // Paused surveys are not done yet: not counted.
      survey(4, 'paused'),
      survey(5, 'completed', ended),
    ]);
    const { items } = (await request(app).get('/api/campaigns').set(auth('viewer')).expect(200)).body as {
      items: { id: string; status: string; surveyed: number; declined: number; running: boolean }[];
    };
    const byId = new Map(items.map((c) => [c.id, c]));
    expect(byId.get(id)).toMatchObject({ status: 'running', running: true, surveyed: 2, declined: 1 });
    expect(byId.get(upcoming)).toMatchObject({
      status: 'upcoming',
      running: false,
      surveyed: 0,
      declined: 0,
    });
    expect(byId.get(ended)).toMatchObject({ status: 'ended', running: false, surveyed: 1, declined: 0 });
  });
});
