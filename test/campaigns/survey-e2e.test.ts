import ExcelJS from 'exceljs';
import request from 'supertest';
import { campaignModels, type SurveyDoc } from '../../src/campaigns';
import { caseModels } from '../../src/cases/create-case';
import { mediaModels } from '../../src/media/models';
import {
  startSandboxService,
  stopSandboxService,
  tappable,
  textOf,
  type SandboxService,
} from '../e2e/harness';
import { addStaff, PASSWORD } from '../staff/helpers';
import { ADMIN, press, staffToken, surveyRest, surveyStart, volunteer } from './survey-helpers';

jest.setTimeout(120_000);

/**
 * The story, over LINE through the signed webhook: a coordinator creates a campaign for two
 * villages of Khao Kho with targets and assigns two volunteers; they survey households (one paused and
 * resumed, one duplicate flagged, one urgent need turned into a case, one household declining).
 */
describe('a baseline survey campaign in Khao Kho', () => {
  let service: SandboxService;
  let campaignId = '';
  let token = '';

  beforeAll(async () => {
    service = await startSandboxService('surveye2e', ADMIN);
    token = await staffToken(service);
  });
  afterAll(() => stopSandboxService(service));

  it('is surveyed by two volunteers over LINE', async () => {
    const nou = await volunteer(service, 'th', 'vol-nou');
    const anna = await volunteer(service, 'en', 'vol-anna');
    const outsider = await volunteer(service, 'hmn', 'vol-other');

    const created = await request(service.url)
      .post('/api/campaigns')
      .set('Authorization', `Bearer ${token}`)
      .send({
        name: 'Khao Kho baseline',
        area: { provinceCode: '67', districtCode: '6711', subdistrictCode: '671107' },
        villages: [
          { name: 'Ban Khek Noi', target: 3 },
          { name: 'Ban Mon Ya', target: 2 },
        ],
        startsOn: '2020-01-01',
        endsOn: '2099-12-31',
        volunteerIds: ['vol-nou', 'vol-anna'],
      })
      .expect(201);
    campaignId = created.body.id;
    const { Survey } = campaignModels(service.database.connection);

    // A volunteer of no campaign is told so.
    await press(outsider, 'survey:start');
    expect(textOf(outsider.last()!)).toContain('kev soj ntsuam uas ua hnub no');

    // Nou (Thai) picks Ban Khek Noi and surveys a household, with two photos.
    await press(nou, 'survey:start');
    expect(tappable(nou.last()).data).toEqual([
      `survey:v:${campaignId}:v1`,
      `survey:v:${campaignId}:v2`,
      'cmd:menu',
    ]);
    await nou.tap(`survey:v:${campaignId}:v1`);
    expect(tappable(nou.last()).data).toEqual([
      'a:notice_read:yes',
      'a:notice_read:no',
      'cmd:cancel',
      'survey:pause',
    ]);
    await surveyStart(nou, { name: 'นายเล่าเปา แซ่ย่าง', phone: '0891112222' });
    const first = await surveyRest(nou, { name: 'นายเล่าเปา แซ่ย่าง', vulnerable: ['elderly'], photos: 2 });
    expect(first.map(textOf).join('\n')).toContain('บันทึกแบบสำรวจแล้ว');

    // The next household: stopped after its size, to be resumed later.
    await nou.tap(`survey:v:${campaignId}:v1`);
    await surveyStart(nou, { name: 'นางหมี แซ่ท้าว', members: 7 });
    await nou.tap('survey:pause');
    expect(textOf(nou.last()!)).toContain('พักแบบสำรวจ');
    const paused = await Survey.findOne({ status: 'paused' }).lean<SurveyDoc>();
    expect(paused).toMatchObject({ campaignId, villageId: 'v1', volunteerLineUserId: nou.userId });

    // Anna (English) surveys the same household as Nou's first: flagged before she goes on.
    await press(anna, 'survey:start');
    await anna.tap(`survey:v:${campaignId}:v1`);
    await anna.tap('a:notice_read:no');
    expect(anna.received.slice(-3).map(textOf).join('\n')).toContain(
      'read the notice to the household first',
    );
    await surveyStart(anna, { name: 'นายเล่าเปา  แซ่ย่าง' });
    expect(anna.received.map(textOf).join('\n')).toContain(
      '⚠️ A household with the same name in this village',
    );
    await surveyRest(anna, { name: 'x', toilet: 'flush', tenureDocument: 'title_deed' });

    // Anna, Ban Mon Ya: an urgent need becomes a case in the same tap.
    await press(anna, 'survey:start');
    await anna.tap(`survey:v:${campaignId}:v2`);
    await surveyStart(anna, { name: 'Pa Yang', phone: '0893334444' });
    const urgent = await surveyRest(anna, {
      name: 'Pa Yang',
      urgent: true,
      exposure: ['landslide', 'flood'],
      vulnerable: ['disabled'],
      place: [16.66, 101.14],
    });
    expect(urgent.map(textOf).join('\n')).toMatch(/Case NL-\d{4}-\d{6} made/);

    // Anna, Ban Mon Ya: a household declines; only the visit is counted.
    await anna.tap(`survey:v:${campaignId}:v2`);
    await anna.tap('a:notice_read:yes');
    await anna.tap('a:consent:decline');
    expect(textOf(anna.last()!)).toContain('nothing about them was kept');

    // Nou resumes the paused survey from the menu, where it waits, and finishes it.
    await press(nou, 'survey:start');
    expect(tappable(nou.last()).data).toContain(`survey:resume:${paused!._id}`);
    await nou.tap(`survey:resume:${paused!._id}`);
    expect(textOf(nou.last()!)).toContain('เด็ก');
    await surveyRest(nou, { name: 'นางหมี แซ่ท้าว', toilet: 'pit' });

    const surveys = await Survey.find({ campaignId }).sort({ completedAt: 1 }).lean<SurveyDoc[]>();
    expect(surveys.map((s) => [s.villageId, s.status, s.volunteerId])).toEqual([
      ['v1', 'completed', 'vol-nou'],
      ['v1', 'completed', 'vol-anna'],
      ['v2', 'completed', 'vol-anna'],
      ['v2', 'declined', 'vol-anna'],
      ['v1', 'completed', 'vol-nou'],
    ]);
    const [lao, again, urgentOne, declined, resumed] = surveys as [
      SurveyDoc,
      SurveyDoc,
      SurveyDoc,
      SurveyDoc,
      SurveyDoc,
    ];
    expect(again.duplicateOf).toBe(lao._id);
    expect(resumed._id).toBe(paused!._id);
    expect(resumed.answers).toMatchObject({ headName: 'นางหมี แซ่ท้าว', members: 7, toilet: 'pit' });
    // The household's agreement, with the volunteer's word that they read the notice.
    expect(lao.consent).toMatchObject({
      noticeRead: true,
      agreed: true,
      sensitive: true,
      noticeVersion: 'survey-2026-12',
    });
    expect(declined.answers).toEqual({});
    expect(declined.consent).toMatchObject({ agreed: false });
    // The photos are the survey's: the media purge leaves them.
    const photos = (lao.answers.photos as string[]) ?? [];
    expect(photos).toHaveLength(2);
    expect(
      await mediaModels(service.database.connection).Media.countDocuments({
        _id: { $in: photos },
        caseReference: `survey:${lao._id}`,
      }),
    ).toBe(2);
    // The urgent case, linked both ways.
    const theCase = await caseModels(service.database.connection)
      .cases.findOne({ reference: urgentOne.caseReference })
      .lean();
    expect(theCase).toMatchObject({
      intakeId: `survey:${urgentOne._id}`,
      reportedBy: 'volunteer',
      category: 'toilet',
      household: { headName: 'Pa Yang', vulnerable: ['disabled'], tenure: 'public_land' },
    });
  });

  it('shows exactly that in coverage, indicators, the map and the export', async () => {
    const get = (path: string) =>
      request(service.url).get(path).set('Authorization', `Bearer ${token}`).expect(200);
    const { body } = await get(`/api/campaigns/${campaignId}/results`);
    const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
    expect(body.coverage).toEqual({
      target: 5,
      surveyed: 4,
      declined: 1,
      flagged: 1,
      urgentCases: 1,
      byVillage: [
        { villageId: 'v1', name: 'Ban Khek Noi', target: 3, surveyed: 3, declined: 0, flagged: 1 },
        { villageId: 'v2', name: 'Ban Mon Ya', target: 2, surveyed: 1, declined: 1, flagged: 0 },
      ],
      byVolunteer: [
        { volunteerId: 'vol-anna', surveyed: 2, declined: 1 },
        { volunteerId: 'vol-nou', surveyed: 2, declined: 0 },
      ],
      byDay: [{ day: today, surveyed: 4, declined: 1 }],
    });
    expect(body.indicators).toEqual({
      withoutToilet: { count: 2, of: 4, share: 0.5 },
      withoutTenureDocument: { count: 3, of: 4, share: 0.75 },
      withVulnerableMember: { count: 2, of: 4, share: 0.5 },
      exposedToFloods: { count: 1, of: 4, share: 0.25 },
    });
    // The urgent need's case, for staff to follow up from the campaign's page.
    expect(body.cases).toEqual([
      { reference: expect.stringMatching(/^NL-/), villageId: 'v2', surveyedOn: today, status: 'new' },
    ]);
    // The list carries how far each campaign has got, for its bar.
    const list = await get('/api/campaigns');
    expect(list.body.items).toEqual([
      expect.objectContaining({ id: campaignId, target: 5, surveyed: 4, declined: 1, status: 'running' }),
    ]);

    const map = await get(`/api/campaigns/${campaignId}/households`);
    expect(map.body.items).toHaveLength(4);
    expect(map.body.items.find((h: { headName: string }) => h.headName === 'Pa Yang')).toMatchObject({
      lat: 16.66,
      lng: 101.14,
      villageId: 'v2',
      caseReference: expect.stringMatching(/^NL-/),
    });

    const csv = await get(`/api/campaigns/${campaignId}/export?format=csv&lang=en`);
    const lines = csv.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines).toHaveLength(6);
    const [header, hxl] = lines as [string, string];
    expect(header.split(',')).toEqual(
      expect.arrayContaining(['Household head', 'Roof', 'Roof state', 'Toilet', 'Exposure', 'Place (lat)']),
    );
    expect(hxl.split(',')).toEqual(
      expect.arrayContaining([
        '#meta+id',
        '#contact+name+head',
        '#indicator+roof_condition',
        '#geo+lat',
        '#geo+lon',
      ]),
    );
    expect(header.split(',')).toHaveLength(hxl.split(',').length);
    expect(lines[4]).toMatch(/,Pa Yang,.*,(landslide flood|flood landslide),/);
    const column = (name: string) => {
      const at = header.split(',').indexOf(name);
      return lines.slice(2).map((line) => line.split(',')[at]);
    };
    // Who surveyed, by name for a coordinator; "no exposure" is the "none" answer, not a blank.
    expect(column('Volunteer')).toEqual([
      'Volunteer vol-nou',
      'Volunteer vol-anna',
      'Volunteer vol-anna',
      'Volunteer vol-nou',
    ]);
    expect(column('Exposure')).toEqual(['none', 'none', expect.stringMatching(/flood/), 'none']);
    // A caseworker of the province may read the surveys, not the volunteers' names: the console's words.
    const caseworker = await addStaff(service.database, 'caseworker', { provinces: ['67'] });
    const login = await request(service.url)
      .post('/api/auth/login')
      .send({ email: caseworker.email, password: PASSWORD })
      .expect(200);
    const masked = await request(service.url)
      .get(`/api/campaigns/${campaignId}/export?format=csv`)
      .set('Authorization', `Bearer ${login.body.token as string}`)
      .expect(200);
    const thai = masked.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    const at = thai[0]!.split(',').indexOf('อาสาสมัคร');
    expect(thai.slice(2).map((line) => line.split(',')[at])).toEqual([
      'อาสาสมัคร 1',
      'อาสาสมัคร 2',
      'อาสาสมัคร 2',
      'อาสาสมัคร 1',
    ]);
    expect(masked.text).not.toContain('vol-');

    const xlsx = await request(service.url)
      .get(`/api/campaigns/${campaignId}/export?format=xlsx`)
      .set('Authorization', `Bearer ${token}`)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.body as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('surveys')!;
    expect(sheet.rowCount).toBe(6);
    expect(sheet.getRow(1).getCell(2).value).toBe('หมู่บ้าน');
  });
});
