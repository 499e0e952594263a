import request from 'supertest';
import { caseModels } from '../../src/cases/create-case';
import { recipientsOf } from '../../src/cases/reporter-notifications';
import { ingestionModels } from '../../src/ingestion/models';
import { newUserId } from '../../src/line-emulator/webhook-client';
import {
  consentedPerson,
  Person,
  startSandboxService,
  stopSandboxService,
  tappable,
  textOf,
  type SandboxService,
} from '../e2e/harness';
import { ADMIN, press, staffToken, surveyRest, surveyStart, volunteer } from './survey-helpers';

jest.setTimeout(180_000);

/** 4831 2907 written in Thai digits, as a Thai phone may type it. */
const thaiDigits = (text: string) => text.replace(/\d/g, (d) => String.fromCharCode(0x0e50 + Number(d)));

/**
 * Issue 15, point 3: an urgent need found by a survey becomes a case "with the reporter being the
 * household, told by LINE only if they have LINE and agree". The volunteer shows the family a code;
 * a family member who has LINE adds NeedLine and sends it, agrees, and follows the case themselves.
 */
describe('the household of an urgent survey case follows it on LINE, if it wants', () => {
  let service: SandboxService;
  let campaignId = '';

  beforeAll(async () => {
    service = await startSandboxService('householdlink', ADMIN);
    const token = await staffToken(service);
    await Promise.all([
      volunteer(service, 'th', 'vol-th'),
      volunteer(service, 'en', 'vol-en'),
      volunteer(service, 'hmn', 'vol-hmn'),
    ]).then((people) => (volunteers = people));
    const created = await request(service.url)
      .post('/api/campaigns')
      .set('Authorization', `Bearer ${token}`)
      .send({
        name: 'Khao Kho baseline',
        area: { provinceCode: '67', districtCode: '6711' },
        villages: [{ name: 'Ban Khek Noi', target: 10 }],
        startsOn: '2020-01-01',
        endsOn: '2099-12-31',
        volunteerIds: ['vol-th', 'vol-en', 'vol-hmn'],
      })
      .expect(201);
    campaignId = created.body.id;
  });
  afterAll(() => stopSandboxService(service));

  let volunteers: Person[] = [];

  /** A volunteer surveys a household with an urgent need; returns the case, the code and the survey. */
  async function urgentSurvey(person: Person, name: string) {
    await press(person, 'survey:start');
    await person.tap(`survey:v:${campaignId}:v1`);
    await surveyStart(person, { name });
    const answer = await surveyRest(person, { name, urgent: true });
    const text = answer.map(textOf).join('\n');
    const reference = /NL-\d{4}-\d{6}/.exec(text)![0];
    const code = /(\d{4} \d{4})/.exec(text)![1]!;
    const tell = tappable(person.last()).data.filter((d) => d.startsWith('survey:tell:'));
    const surveyId = tell[0]!.split(':').slice(3).join(':');
    return { text, reference, code, tell, surveyId };
  }

  const caseOf = (reference: string) =>
    caseModels(service.database.connection).cases.findOne({ reference }).lean();

  it('Thai: the volunteer shows the code; a family member adds NeedLine, agrees and follows the case', async () => {
    const [nou] = volunteers;
    const survey = await urgentSurvey(nou!, 'นายเล่าเปา แซ่ย่าง');
    expect(survey.text).toContain(
      `สำหรับครัวเรือน: หากมีคนในครอบครัวใช้ LINE และอยากรับข่าวเรื่อง ${survey.reference}`,
    );
    expect(survey.text).toContain(`ส่งรหัสนี้: ${survey.code}`);
    expect(survey.text).toContain('บันทึกแบบสำรวจแล้ว');
    expect(survey.tell).toEqual([
      `survey:tell:th:${survey.surveyId}`,
      `survey:tell:en:${survey.surveyId}`,
      `survey:tell:hmn:${survey.surveyId}`,
    ]);
    // The family speaks Hmong: the volunteer shows the message in Hmong.
    await nou!.tap(`survey:tell:hmn:${survey.surveyId}`);
    expect(textOf(nou!.last()!)).toContain(`Xa tus lej no rau nws: ${survey.code}`);

    // Before any family member links, the volunteer is the case's reporter (and hears its news).
    expect((await caseOf(survey.reference))?.reporter.lineUserId).toBe(nou!.userId);

    // A daughter adds NeedLine and types the code in Thai digits, before agreeing to anything.
    const userId = newUserId();
    service.sandbox.emulator.addUser({ userId, displayName: 'Mai', language: 'th' });
    const daughter = new Person(service, userId);
    await daughter.follow();
    const asked = await daughter.say(thaiDigits(survey.code));
    expect(asked.map(textOf).join('\n')).toContain('ข้อความนี้ดูเหมือนรหัสครัวเรือน');
    expect(tappable(daughter.last()).data).toContain('a:consent:agree');
    await daughter.tap('a:consent:agree');
    expect(textOf(daughter.last()!)).toContain('ส่งรหัสครัวเรือนที่อาสาสมัครให้ไว้');
    await daughter.say(survey.code);
    expect(textOf(daughter.last()!)).toContain(`รหัสนี้เป็นของเรื่อง ${survey.reference}`);
    expect(tappable(daughter.last()).data).toEqual([
      `household:yes:${survey.code.replace(' ', '')}`,
      'household:no',
    ]);
    await daughter.tap(`household:yes:${survey.code.replace(' ', '')}`);
    expect(textOf(daughter.last()!)).toContain(`ข่าวของเรื่อง ${survey.reference} จะส่งมาที่นี่`);

    // She is the case's reporter; the volunteer stays on it and keeps it in their list.
    const record = await caseOf(survey.reference);
    expect(record).toMatchObject({
      reporter: { lineUserId: userId },
      reportedBy: 'volunteer',
      volunteer: { lineUserId: nou!.userId },
    });
    const told = await recipientsOf(ingestionModels(service.database.connection), record!);
    expect(told.map((r) => r.lineUserId).sort()).toEqual([userId, nou!.userId].sort());
    // "My cases" lists it for both (the cards carry the reference).
    const cards = (sent: { message: unknown }[]) => JSON.stringify(sent.map((m) => m.message));
    expect(cards(await daughter.tap('flow:my-cases'))).toContain(survey.reference);
    expect(cards(await press(nou!, 'flow:my-cases'))).toContain(survey.reference);

    // The code is used: someone else sending it learns nothing.
    const other = await consentedPerson(service, 'th');
    await other.say(survey.code);
    expect(textOf(other.last()!)).toContain('ไม่พบรหัสนี้');
  });

  it('English: a family member who already uses NeedLine sends the code, says no, then yes', async () => {
    const [, anna] = volunteers;
    const survey = await urgentSurvey(anna!, 'Pa Yang');
    expect(survey.text).toContain(
      `if someone in the family has LINE and wants news of case ${survey.reference}`,
    );
    expect(survey.text).toContain(`2. Send it this code: ${survey.code}`);

    const son = await consentedPerson(service, 'en');
    await son.say(`${survey.reference} ${survey.code}`);
    expect(textOf(son.last()!)).toContain(`This code is for case ${survey.reference}`);
    await son.tap('household:no');
    expect(textOf(son.last()!)).toContain('nothing is linked');
    expect((await caseOf(survey.reference))?.reporter.lineUserId).toBe(anna!.userId);

    await son.say('1234 5678');
    expect(textOf(son.last()!)).toContain('I do not know this code');
    await son.say(survey.code.replace(' ', '-'));
    await son.tap(`household:yes:${survey.code.replace(' ', '')}`);
    expect(textOf(son.last()!)).toContain(`news of case ${survey.reference} will come here`);
    expect((await caseOf(survey.reference))?.reporter.lineUserId).toBe(son.userId);
    // Sent again: they already follow it.
    await son.say(survey.code);
    expect(textOf(son.last()!)).toContain(`You already get news of case ${survey.reference}`);
  });

  it('Hmong: the code links the case; wrong codes are limited per day', async () => {
    const [, , tou] = volunteers;
    const survey = await urgentSurvey(tou!, 'Tswb Yaj');
    expect(survey.text).toContain(`Xa tus lej no rau nws: ${survey.code}`);

    const mother = await consentedPerson(service, 'hmn');
    for (let n = 0; n < 5; n++) {
      await mother.say(`0000 000${n}`);
      expect(textOf(mother.last()!)).toContain('Kuv tsis paub tus lej no');
    }
    await mother.say(survey.code);
    expect(textOf(mother.last()!)).toContain('Hnub no xa tus lej yuam kev ntau zaus dhau lawm');

    const grandson = await consentedPerson(service, 'hmn');
    await grandson.say(survey.code);
    expect(textOf(grandson.last()!)).toContain(`Tus lej no yog rau rooj plaub ${survey.reference}`);
    await grandson.tap(`household:yes:${survey.code.replace(' ', '')}`);
    expect(textOf(grandson.last()!)).toContain(
      `xov xwm txog rooj plaub ${survey.reference} yuav tuaj ntawm no`,
    );
    expect((await caseOf(survey.reference))?.reporter.lineUserId).toBe(grandson.userId);
  });

  it('erasure: the volunteer who leaves is unlinked, the family member stays; the family member who leaves takes the case', async () => {
    const [, anna] = volunteers;
    const survey = await urgentSurvey(anna!, 'Ka Lis');
    const niece = await consentedPerson(service, 'en');
    await niece.say(survey.code);
    await niece.tap(`household:yes:${survey.code.replace(' ', '')}`);

    // Anna erases her data: the case stays the family's, with the niece as its reporter.
    await press(anna!, 'flow:my-data');
    await anna!.tap('a:what:delete');
    await anna!.tap('a:confirm_delete:yes');
    const kept = await caseOf(survey.reference);
    expect(kept?.reporter.lineUserId).toBe(niece.userId);
    expect(kept?.volunteer).toBeUndefined();
    expect(kept?.erasedAt).toBeUndefined();

    // The niece erases hers: the case is the household's own data, so its personal data goes.
    await press(niece, 'flow:my-data');
    await niece.tap('a:what:delete');
    await niece.tap('a:confirm_delete:yes');
    const erased = await caseOf(survey.reference);
    expect(erased?.reporter.lineUserId).toBe('erased');
    expect(erased?.erasedAt).toBeDefined();
  });
});
