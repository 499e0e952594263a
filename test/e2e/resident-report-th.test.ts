import { caseModels } from '../../src/cases/create-case';
import { consentModel } from '../../src/privacy/consents';
import { newUserId } from '../../src/line-emulator/webhook-client';
import { readMedia } from '../../src/media/media-store';
import { mediaModels } from '../../src/media/models';
import {
  largeJpegPhoto,
  Person,
  pngPhoto,
  sha256,
  startSandboxService,
  stopSandboxService,
  tappable,
  textOf,
  type SandboxService,
} from './harness';

describe('a Thai resident reports a leaking roof through the signed webhook', () => {
  let service: SandboxService | undefined;

  afterEach(async () => {
    await stopSandboxService(service);
    service = undefined;
  });

  it('follows, consents, reports with two photos sent at once, answers the household questions, and the case holds everything', async () => {
    service = await startSandboxService('e2eresidentth');
    const emulator = service.sandbox.emulator;
    const userId = newUserId();
    emulator.addUser({ userId, displayName: 'สมศรี', language: 'th' });
    const person = new Person(service, userId);

    // Welcome: one consent question in the profile's Thai, the notice a tap away, the other languages
    // offered once.
    const welcome = await person.follow();
    expect(welcome.map(textOf).join('\n')).toContain('NeedLine');
    expect(tappable(person.last()).data).toEqual(
      expect.arrayContaining(['a:consent:agree', 'a:consent:notice', 'lang:en', 'lang:hmn']),
    );
    const notice = await person.tap('a:consent:notice');
    expect(notice.map(textOf).join('\n')).toContain('2025-01');
    await person.tap('a:consent:agree');

    // What the problem is, at once: the words name the roof, so no category question.
    expect(textOf(person.last()!)).toContain('บ้านมีปัญหาอะไร');
    await person.say('ฝนตกหนักแล้วหลังคารั่ว น้ำไหลเข้าห้องนอน');
    expect(tappable(person.last()).types).toEqual(expect.arrayContaining(['cameraRoll', 'camera']));

    // Two photos chosen together: one answer once both are in.
    const photoBytes = [
      { data: largeJpegPhoto(7), contentType: 'image/jpeg' },
      { data: pngPhoto(), contentType: 'image/png' },
    ];
    const { messageIds, answer: photosAnswer } = await person.sendPhotos(photoBytes);
    expect(photosAnswer).toHaveLength(1);
    expect(textOf(photosAnswer[0]!)).toContain('2');
    await person.tap('a:photos:__done');

    expect(tappable(person.last()).types).toContain('location');
    // As LINE's app writes a shared location's address, from its map service.
    const address = '89 หมู่ 5 ตำบล ทุ่งสมอ อำเภอเขาค้อ เพชรบูรณ์ 67280 ประเทศไทย';
    await person.shareLocation(16.65, 101.13, address);
    expect(tappable(person.last()).data).toContain('a:phone:__skip');
    await person.say('๐๘๑-๒๓๔-๕๖๗๘');

    // The summary card, with a confirm button.
    const summary = person.last()!;
    expect(summary.message.type).toBe('flex');
    expect(textOf(summary)).toContain('ฝนตกหนักแล้วหลังคารั่ว');
    expect(textOf(summary)).toContain('081-234-5678');
    const confirmed = await person.tap('a:summary:confirm');

    // After the reference, the household questions: sensitive consent asked when its question comes.
    expect(textOf(person.last()!)).toContain('กี่คน');
    await person.say('๕');
    await person.tap('a:sensitive:agree');
    await person.tap('a:vulnerable:elderly');
    await person.tap('a:vulnerable:under5');
    await person.tap('a:vulnerable:__done');
    await person.tap('a:tenure:own');
    expect(textOf(person.last()!)).toContain('หัวหน้าครัวเรือน');
    await person.say('นางสมศรี ใจดี');

    // The case in the database, with everything given.
    const { cases } = caseModels(service.database.connection);
    const stored = await cases.find({ 'reporter.lineUserId': userId }).lean();
    expect(stored).toHaveLength(1);
    const created = stored[0]!;
    expect(created.reference).toMatch(/^NL-25\d\d-000001$/);
    expect(created.reportedBy).toBe('self');
    expect(created.status).toBe('new');
    expect(created.language).toBe('th');
    expect(created.category).toBe('roof');
    expect(created.description?.text).toBe('ฝนตกหนักแล้วหลังคารั่ว น้ำไหลเข้าห้องนอน');
    expect(created.household.size).toBe(5);
    expect(created.household.headName).toBe('นางสมศรี ใจดี');
    expect([...created.household.vulnerable].sort()).toEqual(['child_under_5', 'elderly']);
    expect(created.household.tenure).toBe('own');
    expect(created.household.phone).toBe('0812345678');
    // Every household answer given: nothing missing, the score complete, the answers in the timeline.
    expect(created.household.missing).toEqual([]);
    expect(created.priority.missing).toBeUndefined();
    expect(created.priority.factors.map((f) => f.key)).toEqual(
      expect.arrayContaining(['member_elderly', 'member_child_under_5', 'household_4_5']),
    );
    expect(created.timeline.filter((entry) => entry.kind === 'household_answered').length).toBeGreaterThan(0);
    expect(created.location.lat).toBeCloseTo(16.65, 6);
    expect(created.location.lng).toBeCloseTo(101.13, 6);
    expect(created.location.resolved?.provinceEn).toBe('Phetchabun');
    expect(created.location.resolved?.province).toBe('เพชรบูรณ์');
    expect(created.location.resolved?.source?.province).toBe('point');
    // The address LINE put on the point is kept and names the district and subdistrict.
    expect(created.location.shared).toEqual({ address });
    expect(created.location.resolved).toMatchObject({
      district: 'เขาค้อ',
      subdistrict: 'ทุ่งสมอ',
      source: { district: 'address', subdistrict: 'address' },
    });

    // Both photos, stored whole.
    const expectedMediaIds = messageIds.map((id) => `line-${id}`);
    expect(created.mediaIds).toEqual(expectedMediaIds);
    const media = mediaModels(service.database.connection);
    for (const [index, mediaId] of expectedMediaIds.entries()) {
      const doc = await media.Media.findById(mediaId).lean();
      expect(doc).toMatchObject({
        status: 'stored',
        kind: 'image',
        contentType: photoBytes[index]!.contentType,
        size: photoBytes[index]!.data.length,
        sha256: sha256(photoBytes[index]!.data),
      });
      const chunks: Buffer[] = [];
      for await (const chunk of readMedia(media, mediaId)) chunks.push(chunk);
      expect(Buffer.concat(chunks).equals(photoBytes[index]!.data)).toBe(true);
    }
    // The large photo needed more than one chunk.
    expect((await media.Media.findById(expectedMediaIds[0]).lean())?.chunkCount).toBeGreaterThan(1);

    // The consent the case rests on; the consent to sensitive data came later, with its question.
    const consents = await consentModel(service.database.connection)
      .find({ lineUserId: userId })
      .sort({ givenAt: 1 })
      .lean();
    expect(consents).toHaveLength(2);
    expect(consents[0]).toMatchObject({ noticeVersion: '2025-01', sensitive: false, language: 'th' });
    expect(consents[1]).toMatchObject({ noticeVersion: '2025-01', sensitive: true, language: 'th' });
    expect(created.consentId).toBe(consents[0]!._id);

    // The reference on a card.
    const card = confirmed.find(
      (message) => message.message.type === 'flex' && textOf(message).includes(created.reference),
    );
    expect(card).toBeDefined();

    // Every answer was a free reply on the token of the event it answered; nothing was pushed.
    const all = emulator.sentMessages(userId);
    expect(all.length).toBeGreaterThan(15);
    expect(all.every((message) => message.via === 'reply')).toBe(true);
    expect(all.every((message) => person.replyTokens.has(message.replyToken ?? ''))).toBe(true);
    expect(emulator.calls().filter((call) => call.path === '/v2/bot/message/push')).toHaveLength(0);
  });
});
