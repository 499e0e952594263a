import request from 'supertest';
import { campaignModels, type SurveyDoc } from '../../src/campaigns';
import { caseModels } from '../../src/cases/create-case';
import { ingestionModels } from '../../src/ingestion/models';
import {
  consentedPerson,
  startSandboxService,
  stopSandboxService,
  textOf,
  type SandboxService,
} from '../e2e/harness';
import { ADMIN, press, staffToken, surveyRest, surveyStart, volunteer } from './survey-helpers';

jest.setTimeout(120_000);

type Message = { direction: 'in' | 'out'; text: string | null };

/**
 * The case a survey makes, as staff open it: its place from the campaign and the village picked, and only
 * the messages about it (the volunteer goes on to survey other households in the same chat).
 */
describe("a survey's urgent case", () => {
  let service: SandboxService;
  let token = '';
  const detail = async (reference: string) =>
    (
      await request(service.url)
        .get(`/api/cases/${reference}`)
        .set('Authorization', `Bearer ${token}`)
        .expect(200)
    ).body as {
      province: { name: string | null; district: string | null };
      personal: { village: string | null };
      messages: Message[];
    };

  beforeAll(async () => {
    service = await startSandboxService('surveycase', ADMIN);
    token = await staffToken(service);
  });
  afterAll(() => stopSandboxService(service));

  it("has the survey's place and none of the next households' words", async () => {
    const nou = await volunteer(service, 'th', 'vol-sc');
    const created = await request(service.url)
      .post('/api/campaigns')
      .set('Authorization', `Bearer ${token}`)
      .send({
        name: 'เขาค้อ baseline',
        area: { provinceCode: '67', districtCode: '6711', subdistrictCode: '671107' },
        villages: [{ name: 'บ้านเข็กน้อย', target: 3 }],
        startsOn: '2020-01-01',
        endsOn: '2099-12-31',
        volunteerIds: ['vol-sc'],
      })
      .expect(201);
    const campaignId = created.body.id as string;

    // Household 1: urgent, a case.
    await press(nou, 'survey:start');
    await nou.tap(`survey:v:${campaignId}:v1`);
    await surveyStart(nou, { name: 'นายหนึ่ง แซ่ย่าง', phone: '0891110001' });
    const urgent = await surveyRest(nou, { name: 'นายหนึ่ง แซ่ย่าง', urgent: true, place: [16.66, 101.14] });
    const reference = /NL-\d{4}-\d{6}/.exec(urgent.map(textOf).join('\n'))![0];

    // Household 2, in the same chat, after the case was made.
    await nou.tap(`survey:v:${campaignId}:v1`);
    await surveyStart(nou, { name: 'นางสองลับ แซ่ท้าว', phone: '0892220002', members: 9 });
    await surveyRest(nou, { name: 'นางสองลับ แซ่ท้าว' });
    const { Survey } = campaignModels(service.database.connection);
    expect(await Survey.countDocuments({ campaignId, status: 'completed' })).toBe(2);

    const body = await detail(reference);
    const said = body.messages.map((m) => m.text ?? '').join('\n');
    expect(said).not.toContain('นางสองลับ');
    expect(said).not.toContain('0892220002');
    expect(body.messages.filter((m) => m.direction === 'in')).toEqual([]);
    // The answer that gave the volunteer the household's code (which claims the case's news) is not shown.
    expect(urgent.map(textOf).join('\n')).toMatch(/\d{4} \d{4}/);
    expect(said).not.toMatch(/\d{4} \d{4}/);

    // The place: the village picked, the campaign's subdistrict and district, the province of the point.
    expect(body.province).toMatchObject({ name: 'เพชรบูรณ์', district: 'เขาค้อ' });
    expect(body.personal.village).toBe('บ้านเข็กน้อย');
    const stored = await caseModels(service.database.connection).cases.findOne({ reference }).lean();
    expect(stored?.location).toMatchObject({
      lat: 16.66,
      lng: 101.14,
      typedAddress: { village: 'บ้านเข็กน้อย', subdistrict: 'เข็กน้อย', district: 'เขาค้อ' },
      resolved: {
        provinceCode: '67',
        districtCode: '6711',
        subdistrict: 'เข็กน้อย',
        subdistrictCode: '671107',
        source: { province: 'point', district: 'typed', subdistrict: 'typed' },
      },
    });
    const survey = await Survey.findOne({ caseReference: reference }).lean<SurveyDoc>();
    expect(survey?.answers.headName).toBe('นายหนึ่ง แซ่ย่าง');
  });

  it("a volunteer's ordinary report shows none of the next household they report", async () => {
    const anna = await consentedPerson(service, 'en');
    await anna.tap('a:full:household');
    await anna.say('Somchai Saetang');
    await anna.tap('a:relation:health_volunteer');
    await anna.tap('a:informed:yes');
    await anna.tap('a:category:unsafe');
    await anna.say('The house leans and the posts are rotten');
    await anna.tap('a:photos:__skip');
    await anna.shareLocation(16.65, 101.13);
    await anna.say('6');
    await anna.tap('a:sensitive:agree');
    await anna.tap('a:household_sensitive:no');
    await anna.tap('a:tenure:public_land');
    await anna.say('089 123 4567');
    const confirmed = await anna.tap('a:summary:confirm');
    const reference = /NL-\d{4}-\d{6}/.exec(confirmed.map(textOf).join('\n'))![0];
    // The next household, reported in the same chat.
    await anna.tap('a:another:yes');
    await anna.say('Somsri Secretname');
    await anna.tap('a:relation:health_volunteer');
    await anna.tap('a:informed:yes');
    await anna.tap('a:category:unsafe');
    await anna.say('Second household: the roof fell in');

    const said = (await detail(reference)).messages.map((m) => m.text ?? '').join('\n');
    expect(said).toContain(reference);
    expect(said).not.toContain('Somsri');
    expect(said).not.toContain('Second household');
  });

  it("still shows what a resident wrote since their case was opened, and nobody else's", async () => {
    const { cases } = caseModels(service.database.connection);
    const { InboundEvent } = ingestionModels(service.database.connection);
    const anyCase = await cases.findOne({}).lean();
    const opened = new Date('2026-01-10T03:00:00Z');
    const resident = 'U'.padEnd(33, 'r');
    await cases.collection.insertOne({
      ...anyCase!,
      _id: undefined,
      reference: 'NL-2569-900001',
      intakeId: 'resident-intake',
      reportedBy: 'self',
      reporter: { lineUserId: resident },
      volunteer: undefined,
      createdAt: opened,
    } as never);
    const said = (id: string, userId: string, at: string, text: string) => ({
      _id: id,
      chatKey: `user:${userId}`,
      userId,
      type: 'message',
      timestamp: new Date(at).getTime(),
      receivedAt: new Date(at),
      payload: JSON.stringify({ type: 'message', message: { type: 'text', text } }),
    });
    await InboundEvent.collection.insertMany([
      said('ev-before', resident, '2026-01-10T02:00:00Z', 'before the case'),
      said('ev-after', resident, '2026-01-10T04:00:00Z', 'the roof leaks more'),
      said('ev-other', 'U'.padEnd(33, 'o'), '2026-01-10T04:00:00Z', 'someone else'),
    ] as never);
    const body = await detail('NL-2569-900001');
    expect(body.messages.filter((m) => m.direction === 'in').map((m) => m.text)).toEqual([
      'the roof leaks more',
    ]);
  });
});
