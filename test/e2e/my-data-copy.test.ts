import { auditModel } from '../../src/staff/audit-model';
import { caseApiModels } from '../../src/cases/case-records';
import { recipientsOf } from '../../src/cases/reporter-notifications';
import { mediaModels } from '../../src/media/models';
import { caseModels, createCase } from '../../src/cases/create-case';
import { staffNotificationModel } from '../../src/notifications/staff-notifications';
import { loadResources } from '../../src/i18n';
import { ingestionModels } from '../../src/ingestion/models';
import type { SentMessage } from '../../src/line-emulator';
import { buildEvent, newUserId } from '../../src/line-emulator/webhook-client';
import {
  answerHousehold,
  consentedPerson,
  jpegPhoto,
  Person,
  startSandboxService,
  stopSandboxService,
  textOf,
  type SandboxService,
} from './harness';

const resources = loadResources();
const text = (language: string, namespace: 'line' | 'flows', key: string) =>
  (resources[language]![namespace] as { my_data: Record<string, string> }).my_data[key]!;
const DAY_MS = 24 * 3600 * 1000;

/** A postback from a card or menu shown earlier (not necessarily on the last message). */
const press = (person: Person, data: string) => person.post(buildEvent.postback({ ...person.turn(), data }));

const displayNameOf = async (service: SandboxService, userId: string) =>
  (await ingestionModels(service.database.connection).LineUser.findById(userId).lean())?.displayName;

const profileCalls = (service: SandboxService, userId: string) =>
  service.sandbox.emulator.calls().filter((call) => call.path === `/v2/bot/profile/${userId}`).length;

/** One free reply, as LINE takes it: at most 5 messages, texts of at most 5,000 characters. */
function expectWithinLineLimits(answer: SentMessage[]): void {
  expect(answer.length).toBeGreaterThan(0);
  expect(answer.length).toBeLessThanOrEqual(5);
  expect(new Set(answer.map((sent) => sent.via))).toEqual(new Set(['reply']));
  expect(new Set(answer.map((sent) => sent.replyToken)).size).toBe(1);
  for (const { message } of answer) {
    if (message.type === 'text') expect(String(message.text).length).toBeLessThanOrEqual(5000);
  }
}

describe('my data: a real copy, true erasure wording, the LINE name kept only with consent', () => {
  let service: SandboxService | undefined;

  afterEach(async () => {
    await stopSandboxService(service);
    service = undefined;
  });

  it('stores the LINE name only after consent, shows the data itself, refreshes it for staff at most daily, drops it on withdrawal', async () => {
    service = await startSandboxService('e2emydatacopy');
    const userId = newUserId();
    service.sandbox.emulator.addUser({ userId, displayName: 'สมศรี ใจดี', language: 'th' });
    const person = new Person(service, userId);

    await person.follow();
    // Not before the consent is recorded.
    expect(await displayNameOf(service, userId)).toBeUndefined();
    await person.tap('a:consent:agree');
    expect(await displayNameOf(service, userId)).toBe('สมศรี ใจดี');

    // A report through the chat (the welcome goes straight to it), with a photo and a phone number.
    await person.say('หลังคารั่วเวลาฝนตก');
    await person.sendPhotos([{ data: jpegPhoto(61), contentType: 'image/jpeg' }]);
    await person.tap('a:photos:__done');
    await person.shareLocation(16.65, 101.13);
    await person.say('0812345678');
    await person.tap('a:summary:confirm');
    await answerHousehold(person, { size: '4', vulnerable: [], tenure: 'rent', headName: 'สมชาย ใจดี' });
    const reported = await caseModels(service.database.connection)
      .cases.findOne({ 'reporter.lineUserId': userId })
      .lean();
    expect(reported).not.toBeNull();

    await press(person, 'flow:my-data');
    const answer = await person.tap('a:what:see');
    expectWithinLineLimits(answer);
    const copy = answer.map(textOf).join('\n');
    expect(copy).toContain('สมศรี ใจดี');
    expect(copy).toContain(reported!.reference);
    expect(copy).toContain('หลังคารั่วเวลาฝนตก');
    expect(copy).toMatch(/081-?234-?5678/);
    expect(copy).toContain('2025-01');
    expect(copy).toContain(String(reported!.createdAt.getFullYear() + 543));
    expect(copy).toMatch(/รูปภาพ: 1/);
    // Buddhist Era dates only (the notice version is a label, not a date).
    expect(copy.replaceAll('2025-01', '')).not.toContain(String(reported!.createdAt.getFullYear()));

    // Written again the same day: no profile call, the name stays.
    service.sandbox.emulator.addUser({ userId, displayName: 'สมศรี ทองดี', language: 'th' });
    const calls = profileCalls(service, userId);
    await person.say('เมนู');
    expect(profileCalls(service, userId)).toBe(calls);
    expect(await displayNameOf(service, userId)).toBe('สมศรี ใจดี');

    // A day later, writing alone still calls nothing; asking for staff (who will see the name)
    // refreshes it once.
    const users = ingestionModels(service.database.connection).LineUser;
    await users.updateOne({ _id: userId }, { $set: { profileFetchedAt: new Date(Date.now() - 2 * DAY_MS) } });
    await person.say('เมนู');
    expect(profileCalls(service, userId)).toBe(calls);
    await press(person, 'flow:talk-to-staff');
    expect(profileCalls(service, userId)).toBe(calls + 1);
    expect(await displayNameOf(service, userId)).toBe('สมศรี ทองดี');
    await person.say('เมนู'); // back to the bot

    await press(person, 'flow:my-data');
    await person.tap('a:what:withdraw');
    await person.tap('a:confirm_withdraw:yes');
    expect(await displayNameOf(service, userId)).toBeUndefined();
    // Without consent, writing never fetches the profile again.
    await users.updateOne({ _id: userId }, { $set: { profileFetchedAt: new Date(Date.now() - 2 * DAY_MS) } });
    const afterWithdrawal = profileCalls(service, userId);
    await person.say('เมนู');
    expect(profileCalls(service, userId)).toBe(afterWithdrawal);
    expect(await displayNameOf(service, userId)).toBeUndefined();
  });

  it('summarises many reports within LINE limits, then erases for real and says what is kept', async () => {
    service = await startSandboxService('e2emydataerase');
    const person = await consentedPerson(service, 'en', 'Emma Clarke');
    expect(await displayNameOf(service, person.userId)).toBe('Emma Clarke');
    const models = caseModels(service.database.connection);
    const start = Date.now() - 30 * DAY_MS;
    for (let n = 0; n < 12; n++) {
      await createCase(
        models,
        {
          intakeId: `intake-${n}`,
          consentId: 'consent-test',
          language: 'en',
          reporter: { lineUserId: person.userId },
          reportedBy: 'self',
          household: { headName: `Head ${n}`, size: 3, tenure: 'own', phone: '0899999999' },
          category: 'walls',
          description: { text: `Case ${n}: ${'the wall is cracked '.repeat(200)}` },
          location: { lat: 18.79, lng: 98.98 },
        },
        () => new Date(start + n * DAY_MS),
      );
    }
    const newest = await models.cases.findOne({ intakeId: 'intake-11' }).lean();
    await models.cases.updateOne(
      { _id: newest!._id },
      {
        $push: {
          timeline: {
            at: new Date(),
            kind: 'note',
            actor: 'reporter',
            actorId: person.userId,
            text: 'Head 11 is ill',
          },
        },
      },
    );

    // Their case merged into someone else's: they hear its news until they erase their data.
    const oldest = await models.cases.findOne({ intakeId: 'intake-0' }).lean();
    await models.cases.updateOne({ _id: oldest!._id }, { $set: { 'reporter.lineUserId': 'U-someone-else' } });
    await models.cases.updateOne(
      { _id: oldest!._id },
      {
        $push: {
          extraReporters: { lineUserId: person.userId, reference: 'NL-2568-999999' },
          // A note of theirs the merge copied, and staff's entry about the merge.
          timeline: {
            $each: [
              {
                at: new Date(),
                kind: 'note',
                actor: 'reporter',
                text: 'my own note',
                reference: 'NL-2568-999999',
              },
              {
                at: new Date(),
                kind: 'merged',
                actor: 'staff',
                actorId: 'staff-1',
                reference: 'NL-2568-999999',
              },
            ],
          },
        },
      },
      { strict: false },
    );

    await press(person, 'flow:my-data');
    const answer = await person.tap('a:what:see');
    expectWithinLineLimits(answer);
    const copy = answer.map(textOf).join('\n');
    expect(copy).toContain('Emma Clarke');
    expect(copy).toContain(newest!.reference);
    expect(copy).toContain('Head 11');
    expect(copy).toMatch(/\d+ older report\(s\) are not shown here\./);
    expect(copy).toContain('02-000-0000');
    // Delivered, and not kept in the message record that staff read (the hand-off chat).
    const records = await ingestionModels(service.database.connection)
      .OutboundMessage.find({ to: person.userId })
      .lean();
    expect(JSON.stringify(records)).not.toContain('Head 11');
    expect(records.some((record) => (record.forgottenMessages ?? 0) >= answer.length)).toBe(true);

    // A staff photo of the home, and the record that a card about the case went to them.
    const connection = service.database.connection;
    await mediaModels(connection).Media.create({
      _id: 'staff-photo-of-home',
      source: 'staff',
      kind: 'image',
      status: 'stored',
      caseReference: newest!.reference,
      createdAt: new Date(),
    });
    await caseApiModels(connection).CaseNotification.create({
      _id: `${newest!.reference}:1:${person.userId}`,
      reference: newest!.reference,
      to: person.userId,
      at: new Date(),
    });

    // Records that name them by their LINE id outside their cases: a "not solved" notice to staff, a
    // staff read of their chat in the audit log, a card owed to them about the case merged away.
    await staffNotificationModel(connection).create({
      _id: `reopen:${oldest!.reference}:${person.userId}:staff-1`,
      staffId: 'staff-1',
      data: { kind: 'reopen_requested', reference: oldest!.reference, at: new Date() },
      createdAt: new Date(),
    });
    await auditModel(connection).create({
      at: new Date(),
      actorKind: 'session',
      action: 'personal_data.read',
      targetType: 'line_user',
      targetId: person.userId,
    });
    await caseApiModels(connection).CaseNotification.create({
      _id: `${oldest!.reference}:1:${person.userId}`,
      reference: oldest!.reference,
      to: person.userId,
      at: new Date(),
    });

    await press(person, 'flow:my-data');
    await person.tap('a:what:delete');
    const erased = await person.tap('a:confirm_delete:yes');
    const said = erased.map(textOf).join('\n');
    expect(said).toContain(
      text('en', 'line', 'deleted').replace('{{cases}}', '11').replace('{{media}}', '1'), // the staff photo of the home
    );
    expect(said).toContain(text('en', 'flows', 'deleted'));
    expect(said).not.toMatch(/90 days|being deleted/);

    expect(await displayNameOf(service, person.userId)).toBeUndefined();
    const after = await models.cases.findById(newest!._id).lean();
    expect(JSON.stringify(after)).not.toContain(person.userId);
    expect(JSON.stringify(after)).not.toContain('Head 11');
    expect(after!.household.size).toBe(3);
    expect(await mediaModels(connection).Media.findById('staff-photo-of-home').lean()).toBeNull();
    expect(await caseApiModels(connection).CaseNotification.countDocuments({ to: person.userId })).toBe(0);
    const notices = await staffNotificationModel(connection).find({ staffId: 'staff-1' }).lean();
    expect(notices).toHaveLength(1);
    expect(notices[0]!._id).toMatch(/^reopen:NL-\d{4}-\d+:erased-[0-9a-f-]{36}:staff-1$/);
    const reads = await auditModel(connection)
      .find({ action: 'personal_data.read', targetType: 'line_user' })
      .lean();
    expect(reads.length).toBeGreaterThan(0);
    expect(JSON.stringify(reads)).not.toContain(person.userId);
    expect(after!.category).toBe('walls');
    const merged = await models.cases.findById(oldest!._id).lean();
    expect(merged!.extraReporters ?? []).toEqual([]);
    expect(JSON.stringify(merged!.timeline)).not.toContain('my own note');
    expect(merged!.timeline.some((entry) => entry.kind === 'merged')).toBe(true);
    expect(merged!.reporter.lineUserId).toBe('U-someone-else');

    // Staff hear that the 11 open cases can no longer be followed up with anyone, once each.
    expect(after!.erasedAt).toBeInstanceOf(Date);
    const told = await staffNotificationModel(service.database.connection)
      .find({ 'data.kind': 'reporter_erased' })
      .lean();
    expect(new Set(told.map((n) => (n.data as { reference: string }).reference)).size).toBe(11);
    expect(told.map((n) => n._id)).toEqual([...new Set(told.map((n) => n._id))]);
    // And nothing is sent to the placeholder that replaced the person.
    expect(
      await recipientsOf(ingestionModels(service.database.connection), {
        reporter: after!.reporter,
        language: after!.language,
      }),
    ).toEqual([]);
  });
});
