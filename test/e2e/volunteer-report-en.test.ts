import { caseModels } from '../../src/cases/create-case';
import { consentModel } from '../../src/privacy/consents';
import { newUserId } from '../../src/line-emulator/webhook-client';
import { mediaModels } from '../../src/media/models';
import {
  jpegPhoto,
  Person,
  sha256,
  startSandboxService,
  stopSandboxService,
  tappable,
  textOf,
  type SandboxService,
} from './harness';

describe('an English-speaking volunteer reports for a household through the signed webhook', () => {
  let service: SandboxService | undefined;

  afterEach(async () => {
    await stopSandboxService(service);
    service = undefined;
  });

  it('reports for a household with two photos and a location; the case names the volunteer', async () => {
    service = await startSandboxService('e2evolunteeren');
    const emulator = service.sandbox.emulator;
    const userId = newUserId();
    emulator.addUser({ userId, displayName: 'Anna', language: 'en' });
    const person = new Person(service, userId);

    await person.follow();
    // One question, in the profile's English: the notice and the other languages a tap away.
    expect(tappable(person.last()).data).toEqual(
      expect.arrayContaining(['a:consent:agree', 'a:consent:notice', 'lang:th', 'lang:hmn']),
    );
    expect(textOf(person.last()!)).toMatch(/agree/i);
    await person.tap('a:consent:agree');
    // A volunteer leaves the resident's first question for the menu.
    await person.say('menu');
    expect(textOf(person.last()!)).toBe('What would you like to do?');

    // Report for a household: who, the relation, and that the household was told and agreed.
    await person.tap('a:full:household');
    expect(textOf(person.last()!)).toContain('head of the household');
    await person.say('Somchai Saetang');
    await person.tap('a:relation:health_volunteer');
    expect(textOf(person.last()!)).toContain('did they agree');
    await person.tap('a:informed:yes');

    await person.tap('a:category:unsafe');
    await person.say('The house leans and the posts are rotten');
    const photos = [
      { data: jpegPhoto(11), contentType: 'image/jpeg' },
      { data: jpegPhoto(12), contentType: 'image/jpeg' },
    ];
    const { messageIds, answer } = await person.sendPhotos(photos);
    expect(answer.map(textOf)).toEqual(['Got it: 2 photo(s). Send more, or tap Done.']);
    await person.tap('a:photos:__done');
    await person.shareLocation(16.65, 101.13);
    expect(textOf(person.last()!)).toContain('How many people');
    await person.say('6');
    // Volunteers keep the full path: the volunteer's own consent to sensitive data, asked when the
    // question comes, then the household's own agreement to share health and disability.
    expect(textOf(person.last()!)).toContain('sensitive data');
    await person.tap('a:sensitive:agree');
    await person.tap('a:household_sensitive:yes');
    await person.tap('a:vulnerable:disabled');
    await person.tap('a:vulnerable:__done');
    await person.tap('a:tenure:public_land');
    await person.say('089 123 4567');

    const summary = person.last()!;
    expect(summary.message.type).toBe('flex');
    expect(textOf(summary)).toContain('Somchai Saetang');
    const confirmed = await person.tap('a:summary:confirm');

    const { cases } = caseModels(service.database.connection);
    const stored = await cases.find({ 'reporter.lineUserId': userId }).lean();
    expect(stored).toHaveLength(1);
    const created = stored[0]!;
    expect(created).toMatchObject({
      reportedBy: 'volunteer',
      volunteer: { lineUserId: userId, relation: 'health_volunteer', householdInformed: true },
      language: 'en',
      category: 'unsafe_or_no_home',
      description: { text: 'The house leans and the posts are rotten' },
      household: {
        headName: 'Somchai Saetang',
        size: 6,
        vulnerable: ['disabled'],
        tenure: 'public_land',
        phone: '0891234567',
        missing: [],
      },
      status: 'new',
    });
    expect(created.reference).toMatch(/^NL-25\d\d-000001$/);
    expect(created.location.lat).toBeCloseTo(16.65, 6);
    expect(created.location.lng).toBeCloseTo(101.13, 6);
    expect(created.location.resolved?.provinceEn).toBe('Phetchabun');
    expect(created.mediaIds).toEqual(messageIds.map((id) => `line-${id}`));

    const media = mediaModels(service.database.connection);
    for (const [index, mediaId] of created.mediaIds.entries()) {
      expect(await media.Media.findById(mediaId).lean()).toMatchObject({
        status: 'stored',
        size: photos[index]!.data.length,
        sha256: sha256(photos[index]!.data),
      });
    }
    // Two records: the consent to collect, then the one with sensitive data, which the case rests on.
    const consents = await consentModel(service.database.connection)
      .find({ lineUserId: userId })
      .sort({ givenAt: 1 })
      .lean();
    expect(consents.map((consent) => consent.sensitive)).toEqual([false, true]);
    expect(created.consentId).toBe(consents[1]?._id);

    // The reference on a card, then "report another household?" without starting over.
    expect(
      confirmed.some(
        (message) => message.message.type === 'flex' && textOf(message).includes(created.reference),
      ),
    ).toBe(true);
    expect(tappable(person.last()).data).toEqual(expect.arrayContaining(['a:another:yes', 'a:another:no']));
    await person.tap('a:another:yes');
    expect(textOf(person.last()!)).toContain('head of the household');
    await person.tap('cmd:cancel');

    // Still one case, and every answer was a free reply.
    expect(await cases.countDocuments({})).toBe(1);
    expect(emulator.sentMessages(userId).every((message) => message.via === 'reply')).toBe(true);
  });
});
