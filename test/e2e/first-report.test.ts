import { enqueueDueTimeouts } from '../../src/bot/timeouts';
import { caseModels } from '../../src/cases/create-case';
import { ingestionModels } from '../../src/ingestion/models';
import type { SentMessage } from '../../src/line-emulator';
import { buildEvent, newUserId } from '../../src/line-emulator/webhook-client';
import { eventually } from '../helpers/ingestion';
import {
  jpegPhoto,
  Person,
  startSandboxService,
  stopSandboxService,
  tappable,
  textOf,
  type SandboxService,
} from './harness';

/**
 * Issue 17: a first-time resident who sends a sentence, two photos, a location and a phone number gets
 * a reference in at most 9 turns, counting the add-friend, in every language; the household questions
 * come after it. Driven like a person, from LINE's side: each turn is one thing the person does (two
 * photos chosen together are one turn, as on the phone).
 */
const MAX_TURNS = 9;
const REFERENCE = /NL-\d{4}-\d{6,}/;

const newcomers = [
  ['th', 'หลังคารั่ว ฝนตกน้ำไหลเข้าห้องนอนทุกคืน', '๐๘๑-๒๓๔-๕๖๗๘', 'บ้านมีปัญหาอะไร'],
  ['en', 'My roof leaks when it rains and the bedroom gets wet', '081 234 5678', 'What is the problem'],
  ['hmn', 'Lub ru tsev xau thaum los nag, dej nkag rau hauv chav pw', '0812345678', 'teeb meem dab tsi'],
] as const;

/** A newcomer reporting; returns the turns taken until a message shows the reference. */
async function firstReport(
  person: Person,
  sentence: string,
  phone: string,
  problemQuestion: string,
): Promise<{ turns: number; reference: string; answers: SentMessage[][] }> {
  const answers: SentMessage[][] = [];
  const turn = async (action: Promise<SentMessage[]>) => {
    answers.push(await action);
    return answers.at(-1)!;
  };
  await turn(person.follow());
  // Consent is one question; the other languages and the notice are a tap away on it.
  expect(tappable(person.last()).data).toEqual(
    expect.arrayContaining(['a:consent:agree', 'a:consent:notice', 'a:consent:decline']),
  );
  await turn(person.tap('a:consent:agree'));
  expect(textOf(person.last()!)).toContain(problemQuestion);
  await turn(person.say(sentence));
  await turn(
    person
      .sendPhotos([
        { data: jpegPhoto(101), contentType: 'image/jpeg' },
        { data: jpegPhoto(102), contentType: 'image/jpeg' },
      ])
      .then(({ answer }) => answer),
  );
  await turn(person.tap('a:photos:__done'));
  await turn(person.shareLocation(16.65, 101.13, '89 หมู่ 5 ตำบล ทุ่งสมอ อำเภอเขาค้อ เพชรบูรณ์'));
  await turn(person.say(phone));
  const confirmed = await turn(person.tap('a:summary:confirm'));
  const reference = confirmed.map(textOf).join('\n').match(REFERENCE)?.[0];
  if (!reference) throw new Error('no reference after the summary was confirmed');
  // Nothing before showed a reference: the count is the turns to the first one.
  expect(answers.slice(0, -1).flat().map(textOf).join('\n')).not.toMatch(REFERENCE);
  return { turns: answers.length, reference, answers };
}

describe('a first report in a few taps, from LINE', () => {
  let service: SandboxService | undefined;
  beforeAll(async () => {
    service = await startSandboxService('e2efirstreport');
  });
  afterAll(() => stopSandboxService(service));

  const newcomer = (language: 'th' | 'en' | 'hmn') => {
    const userId = newUserId();
    service!.sandbox.emulator.addUser({ userId, displayName: `New ${language}`, language });
    return new Person(service!, userId);
  };

  it.each(newcomers)(
    'in %s: a sentence, two photos, a location and a phone give a reference within 9 turns',
    async (language, sentence, phone, problemQuestion) => {
      const person = newcomer(language);
      const { turns, reference } = await firstReport(person, sentence, phone, problemQuestion);
      expect(turns).toBeLessThanOrEqual(MAX_TURNS);
      expect(turns).toBe(8);

      // The case holds what was given, and says what it does not know yet.
      const stored = await caseModels(service!.database.connection).cases.findOne({ reference }).lean();
      expect(stored).toMatchObject({
        reportedBy: 'self',
        language,
        category: 'roof',
        description: { text: sentence },
        household: {
          phone: '0812345678',
          vulnerable: [],
          missing: ['size', 'vulnerable', 'tenure', 'headName'],
        },
        priority: { missing: ['size', 'vulnerable', 'tenure'] },
      });
      expect(stored!.mediaIds).toHaveLength(2);
      expect(stored!.location.resolved.provinceEn).toBe('Phetchabun');

      // The household questions follow the reference, with a way to leave them for later.
      expect(tappable(person.last()).data).toEqual(expect.arrayContaining(['a:size:__skip', 'cmd:cancel']));
      // Every answer so far was a free reply.
      expect(service!.sandbox.emulator.sentMessages(person.userId).every((m) => m.via === 'reply')).toBe(
        true,
      );
    },
  );

  it('reminds once, the next day, about household questions left; answers then complete the case', async () => {
    const person = newcomer('en');
    const { reference } = await firstReport(person, newcomers[1][1], '0812345678', 'What is the problem');
    const connection = service!.database.connection;
    const ingestion = ingestionModels(connection);
    const chatKey = `user:${person.userId}`;
    const emulator = service!.sandbox.emulator;
    const pushes = () => emulator.sentMessages(person.userId).filter((m) => m.via !== 'reply');

    // The chat asks to be woken the next day, in waking hours.
    const chat = await ingestion.Chat.findById(chatKey).lean();
    const hours = (chat!.wakeAt!.getTime() - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(10);
    expect(hours).toBeLessThan(37);

    /** Time passes: the chat's state is moved `hoursAgo` back and its wake-up comes now. */
    const later = async (field: 'lastActivityAt' | 'reminderSentAt', hoursAgo: number) => {
      const at = new Date(Date.now() - hoursAgo * 3_600_000).toISOString();
      await ingestion.Chat.updateOne(
        { _id: chatKey },
        { $set: { [`state.${field}`]: at, wakeAt: new Date() } },
      );
      const ticked = await enqueueDueTimeouts(ingestion, new Date());
      expect(ticked).toEqual([chatKey]);
      service!.processor.kick(ticked);
      await eventually(
        () => ingestion.QueuedEvent.countDocuments({ chatKey }),
        (n) => n === 0,
      );
      await service!.processor.idle();
      await eventually(
        () => ingestion.OutboundMessage.countDocuments({ to: person.userId, status: 'pending' }),
        (n) => n === 0,
      );
    };

    await later('lastActivityAt', 48);
    await eventually(
      async () => pushes().length,
      (n) => n === 1,
    );
    const [reminder] = pushes();
    expect(textOf(reminder!)).toContain('A few questions about your household are still open');
    expect(tappable(reminder).data).toEqual(['resume:continue', 'cmd:cancel']);

    // The person answers the reminder: the questions go on from where they were.
    person.received.push(reminder!);
    await person.tap('resume:continue');
    await person.say('6');
    await person.tap('a:sensitive:agree');
    await person.tap('a:vulnerable:disabled');
    await person.tap('a:vulnerable:__done');
    // ...and leaves again: no second reminder, the questions close without a word.
    await later('lastActivityAt', 30);
    await later('reminderSentAt', 30);
    expect(pushes()).toHaveLength(1);
    const state = (await ingestion.Chat.findById(chatKey).lean())!.state as { run?: unknown };
    expect(state.run ?? null).toBeNull();

    // What was answered is on the case; the rest is missing, and the priority says it is partial.
    const stored = await caseModels(connection).cases.findOne({ reference }).lean();
    expect(stored!.household).toMatchObject({
      size: 6,
      vulnerable: ['disabled'],
      missing: ['tenure', 'headName'],
    });
    expect(stored!.priority.missing).toEqual(['tenure']);
    expect(stored!.priority.factors.map((f) => f.key)).toEqual(
      expect.arrayContaining(['category_roof', 'member_disabled', 'household_6_plus']),
    );

    // Resumable: the case card offers the questions left; they complete the case.
    await person.say('menu');
    await person.tap('a:full:cases');
    const card = person.received.findLast((m) => m.message.type === 'flex');
    expect(tappable(card).data).toContain(`case:${reference}:household`);
    // A button on the card above the last message, as the person taps it.
    await person.post(buildEvent.postback({ ...person.turn(), data: `case:${reference}:household` }));
    await person.tap('a:size:__skip');
    await person.tap('a:vulnerable:__skip');
    await person.tap('a:tenure:public_land');
    await person.say('Ploy Saelee');
    const done = await caseModels(connection).cases.findOne({ reference }).lean();
    expect(done!.household).toMatchObject({
      size: 6,
      vulnerable: ['disabled'],
      tenure: 'public_land',
      headName: 'Ploy Saelee',
      missing: [],
    });
    expect(done!.priority.missing).toBeUndefined();
  });
});
