import { caseModels } from '../../src/cases/create-case';
import { newUserId } from '../../src/line-emulator/webhook-client';
import {
  consentedPerson,
  Person,
  startSandboxService,
  stopSandboxService,
  tappable,
  textOf,
  type SandboxService,
} from './harness';

describe('what a hands-on try of the chat found, through the signed webhook', () => {
  let service: SandboxService | undefined;

  beforeAll(async () => {
    service = await startSandboxService('e2eintakefixes');
  });
  afterAll(async () => {
    await stopSandboxService(service);
  });

  it('keeps the first sentence, checks a typed address, acknowledges each tap, and asks the head of household', async () => {
    const person = await consentedPerson(service!, 'th');

    // The problem typed at the menu is the category and the description: no "what is the problem?" after it.
    await person.say('หลังคารั่ว ฝนตกน้ำเข้าบ้านทุกครั้ง');
    expect(textOf(person.last()!)).not.toContain('บ้านมีปัญหาอะไร');
    expect(tappable(person.last()).types).toEqual(expect.arrayContaining(['cameraRoll', 'camera']));
    await person.tap('a:photos:__skip');

    // A typed address is shown back for a check before it is kept.
    await person.say('บ้านเข็กน้อย เข็กน้อย เขาค้อ เพชรบูรณ์');
    expect(textOf(person.last()!)).toContain('บ้านเข็กน้อย เข็กน้อย เขาค้อ เพชรบูรณ์');
    expect(tappable(person.last()).data).toEqual(expect.arrayContaining(['a:location:yes', 'a:location:no']));
    await person.tap('a:location:yes');
    await person.say('0812345678');

    const summary = textOf(person.last()!);
    expect(summary).toContain('081-234-5678');
    expect(summary).toContain('ฝนตกน้ำเข้าบ้านทุกครั้ง');
    await person.tap('a:summary:confirm');

    // After the reference, the household questions.
    expect(textOf(person.last()!)).toContain('กี่คน');
    await person.say('4');
    await person.tap('a:sensitive:agree');
    // Each tap of a multiple choice: what is selected, with the same buttons and Done.
    const question = textOf(person.last()!);
    await person.tap('a:vulnerable:elderly');
    const ack = textOf(person.last()!);
    expect(ack).not.toBe(question);
    expect(ack).toContain('ผู้สูงอายุ');
    expect(tappable(person.last()).data).toEqual(
      expect.arrayContaining(['a:vulnerable:disabled', 'a:vulnerable:__done']),
    );
    await person.tap('a:vulnerable:__done');
    await person.tap('a:tenure:own');
    expect(textOf(person.last()!)).toContain('หัวหน้าครัวเรือน');
    await person.say('นายดำ แซ่ลี');

    const { cases } = caseModels(service!.database.connection);
    const created = await cases.findOne({ 'reporter.lineUserId': person.userId }).lean();
    expect(created).toMatchObject({
      category: 'roof',
      description: { text: 'หลังคารั่ว ฝนตกน้ำเข้าบ้านทุกครั้ง' },
      household: {
        headName: 'นายดำ แซ่ลี',
        phone: '0812345678',
        size: 4,
        vulnerable: ['elderly'],
        tenure: 'own',
        missing: [],
      },
    });
    expect(created?.location.resolved).toMatchObject({ province: 'เพชรบูรณ์', district: 'เขาค้อ' });
  });

  it('takes consent after a decline without offering the language again', async () => {
    const userId = newUserId();
    service!.sandbox.emulator.addUser({ userId, displayName: 'Pa', language: 'th' });
    const person = new Person(service!, userId);
    await person.follow();
    await person.tap('lang:en');
    await person.tap('a:consent:decline');
    const again = await person.tap('a:limited:consent');
    expect(again.some((message) => tappable(message).data.some((d) => d.startsWith('lang:')))).toBe(false);
    expect(textOf(person.last()!)).toContain('Do you agree?');
    expect(tappable(person.last()).data).toEqual(
      expect.arrayContaining(['a:consent:agree', 'a:consent:notice']),
    );
  });
});
