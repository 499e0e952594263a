import request from 'supertest';
import { caseModels, createCase } from '../../src/cases/create-case';
import { buildEvent } from '../../src/line-emulator/webhook-client';
import { DEFAULT_COALESCE_MINUTES } from '../../src/config';
import {
  consentedPerson,
  type Person,
  startSandboxService,
  stopSandboxService,
  textOf,
  type SandboxService,
} from './harness';

const LATER = new Date(Date.now() + (DEFAULT_COALESCE_MINUTES + 10) * 60_000);

describe('status news delivered in the free reply when the reporter writes first', () => {
  let service: SandboxService;
  let token: string;

  beforeAll(async () => {
    // The configuration's defaults: news waits NOTIFY_COALESCE_MINUTES for the reporter to write.
    service = await startSandboxService('updatesfree');
    token = (await request(service.url).post('/api/auth/login').send(service.sandbox.admin).expect(200)).body
      .token as string;
  });
  afterAll(() => stopSandboxService(service));

  async function caseOf(person: Person, language: string): Promise<string> {
    const created = await createCase(caseModels(service.database.connection), {
      intakeId: `updates-${person.userId}-${Math.random()}`,
      consentId: 'consent-test',
      language,
      reporter: { lineUserId: person.userId },
      reportedBy: 'self',
      household: { headName: 'นางทดสอบ', size: 3, vulnerable: [], tenure: 'own', phone: '0891112233' },
      category: 'roof',
      description: { text: 'หลังคารั่ว' },
      mediaIds: [],
      location: { lat: 16.7 + Math.random() / 10, lng: 101.1 },
    });
    return created.case.reference;
  }

  const patch = (reference: string, body: object) =>
    request(service.url)
      .patch(`/api/cases/${reference}`)
      .set({ authorization: `Bearer ${token}` })
      .send(body)
      .expect(200);

  const pushesTo = (userId: string) =>
    service.sandbox.emulator.sentMessages(userId).filter((m) => m.via === 'push');

  it('puts the waiting visit card in the reply to "My cases", and pushes nothing after the window', async () => {
    const person = await consentedPerson(service, 'en');
    const reference = await caseOf(person, 'en');
    await patch(reference, { status: 'reviewing' });
    await patch(reference, { status: 'visit_scheduled', visitDate: '2026-12-24' });
    // Nothing yet: the news waits for the window or for the reporter.
    expect(service.sandbox.emulator.sentMessages(person.userId).slice(-1)[0]?.via).toBe('reply');
    const usedBefore = service.sandbox.emulator.quotaConsumption();

    const answer = await person.post(buildEvent.postback({ ...person.turn(), data: 'flow:my-cases' }));
    expect(answer.every((m) => m.via === 'reply')).toBe(true);
    const words = JSON.stringify(answer.map((m) => m.message));
    expect(words).toContain('Home visit scheduled');
    expect(words).toContain('24 December 2026');
    expect(words).toContain(reference);

    expect(await service.reporterUpdates.deliverDue(LATER)).toMatchObject({ pushed: 0 });
    expect(pushesTo(person.userId)).toHaveLength(0);
    expect(service.sandbox.emulator.quotaConsumption() - usedBefore).toBe(0);
  });

  it('answers a plain message with the news of two cases, the bot keeping its own answer last', async () => {
    const person = await consentedPerson(service, 'th');
    const [first, second] = [await caseOf(person, 'th'), await caseOf(person, 'th')];
    await patch(first, { status: 'reviewing' });
    await patch(first, { status: 'visit_scheduled', visitDate: '2026-12-24' });
    await patch(second, { status: 'declined', reason: 'อยู่นอกพื้นที่' });

    const answer = await person.say('สวัสดีค่ะ');
    expect(answer.every((m) => m.via === 'reply')).toBe(true);
    const words = JSON.stringify(answer.map((m) => m.message));
    expect(words).toContain(first);
    expect(words).toContain(second);
    expect(words).toContain('24 ธันวาคม 2569');
    expect(words).toContain('อยู่นอกพื้นที่');
    // The bot's own answer (with its quick replies) stays the last message on the screen.
    expect(answer.at(-1)!.message.quickReply).toBeDefined();

    await service.reporterUpdates.deliverDue(LATER);
    expect(pushesTo(person.userId)).toHaveLength(0);
  });

  it('pushes the news once the window ends when the reporter does not write', async () => {
    const person = await consentedPerson(service, 'hmn');
    const reference = await caseOf(person, 'hmn');
    await patch(reference, { status: 'reviewing' });
    await patch(reference, { status: 'visit_scheduled', visitDate: '2026-12-24' });
    expect(await service.reporterUpdates.deliverDue(LATER)).toMatchObject({ pushed: 1 });
    const pushed = pushesTo(person.userId);
    expect(pushed).toHaveLength(1);
    expect(textOf(pushed[0]!)).toContain(reference);
    // The reporter writes afterwards: nothing is told twice.
    const answer = await person.say('nyob zoo');
    expect(answer.map(textOf).join('\n')).not.toContain(reference);
  });
});
