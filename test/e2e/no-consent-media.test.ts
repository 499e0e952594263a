import { handoffModel } from '../../src/handoffs/model';
import { inboundEntry } from '../../src/handoffs/chat';
import { loadResources } from '../../src/i18n';
import { ingestionModels } from '../../src/ingestion/models';
import { newUserId } from '../../src/line-emulator/webhook-client';
import { mediaModels } from '../../src/media/models';
import {
  jpegPhoto,
  Person,
  startSandboxService,
  stopSandboxService,
  textOf,
  type SandboxService,
} from './harness';

const resources = loadResources();
const texts = (language: string) => ({
  needsConsent: (resources[language]!.bot as { media: { needs_consent: string } }).media.needs_consent,
  notKeptHandoff: (resources[language]!.line as { media: { not_kept_handoff: string } }).media
    .not_kept_handoff,
});

/** PDPA: the bot says nothing is kept before consent; the database must agree. */
describe('photos, files and places sent before consent', () => {
  let service: SandboxService | undefined;
  beforeAll(async () => {
    service = await startSandboxService('noconsentmedia');
  });
  afterAll(() => stopSandboxService(service));

  async function declined(language: 'th' | 'en' | 'hmn'): Promise<Person> {
    const userId = newUserId();
    service!.sandbox.emulator.addUser({ userId, displayName: 'Declines', language });
    const person = new Person(service!, userId);
    await person.follow();
    await person.tap('a:consent:decline');
    return person;
  }

  async function leftBehind(userId: string) {
    const { Media, MediaChunk } = mediaModels(service!.database.connection);
    const { InboundEvent } = ingestionModels(service!.database.connection);
    const media = await Media.find({ userId }).lean();
    const chunks = await MediaChunk.countDocuments({ mediaId: { $in: media.map((m) => m._id) } });
    const records = await InboundEvent.find({ userId, type: 'message' }).lean();
    return { media: media.length, chunks, records };
  }

  it.each(['th', 'en', 'hmn'] as const)(
    'keeps nothing of a photo and a place from a person who declined (%s), and says so',
    async (language) => {
      const person = await declined(language);
      const { messageIds, answer } = await person.sendPhotos([
        { data: jpegPhoto(3), contentType: 'image/jpeg' },
      ]);
      expect(answer.map(textOf).join('\n')).toContain(texts(language).needsConsent);
      const place = await person.shareLocation(16.65, 101.13, '12 หมู่ 3 ตำบลเขาค้อ');
      expect(place.map(textOf).join('\n')).toContain(texts(language).needsConsent);

      const left = await leftBehind(person.userId);
      expect({ media: left.media, chunks: left.chunks }).toEqual({ media: 0, chunks: 0 });
      // The record of each event keeps its kind only: no message id to fetch, no coordinates, no address.
      expect(left.records).toHaveLength(2);
      for (const record of left.records) {
        expect(record.notKept).toBe('no_consent');
        expect(record.payload).not.toContain(messageIds[0]);
        expect(record.payload).not.toMatch(/16\.65|101\.13|เขาค้อ/);
      }
    },
  );

  it('tells a person talking to staff without consent that a photo was not kept, and staff see why', async () => {
    const person = await declined('en');
    await person.say('staff');
    const connection = service!.database.connection;
    expect(await handoffModel(connection).exists({ _id: person.userId, status: 'open' })).toBeTruthy();
    const { answer } = await person.sendPhotos([{ data: jpegPhoto(4), contentType: 'image/jpeg' }]);
    expect(answer.map(textOf).join('\n')).toContain(texts('en').notKeptHandoff);
    expect((await leftBehind(person.userId)).media).toBe(0);
    const record = (await leftBehind(person.userId)).records.at(-1)!;
    expect(inboundEntry(record as never)).toMatchObject({ kind: 'not_kept', from: 'user' });
  });
});
