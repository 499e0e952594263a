import request from 'supertest';
import { caseModels, createCase } from '../../src/cases/create-case';
import { housePhoto } from '../../src/demo/photos';
import { loadResources } from '../../src/i18n';
import { buildEvent } from '../../src/line-emulator/webhook-client';
import { mediaModels } from '../../src/media/models';
import { publicationConsentModel } from '../../src/cases/publication-consent-model';
import {
  consentedPerson,
  Person,
  startSandboxService,
  stopSandboxService,
  tappable,
  type SandboxService,
} from '../e2e/harness';

const resources = loadResources();
const say = (language: string, key: string) => {
  const [group, name] = key.split('.') as [string, string];
  return (resources[language]!.publication as Record<string, Record<string, string>>)[group]![name]!;
};
/** A postback from a card shown earlier (not necessarily the last message). */
/** Every word of a message, flex cards included. */
const wordsOf = (message: { message: unknown } | undefined) => JSON.stringify(message?.message ?? null);
const press = (person: Person, data: string) => person.post(buildEvent.postback({ ...person.turn(), data }));

describe.each(['th', 'en', 'hmn'] as const)('consent to publish a story, in %s', (language) => {
  let service: SandboxService;
  let token: string;

  beforeAll(async () => {
    // Status news pushed at once: this test is about the question that comes with the completion.
    service = await startSandboxService(`publication${language}`, { NOTIFY_COALESCE_MINUTES: '0' });
    token = (await request(service.url).post('/api/auth/login').send(service.sandbox.admin).expect(200)).body
      .token as string;
  });
  afterAll(() => stopSandboxService(service));

  const staff = () => ({ authorization: `Bearer ${token}` });

  /** A household's report with a photo, taken through the lifecycle to completed with an after photo. */
  async function completedCase(person: Person, headName: string): Promise<string> {
    const { Media, MediaChunk } = mediaModels(service.database.connection);
    const png = housePhoto(11, 'before');
    const mediaId = `test-before-${person.userId}`;
    await Media.create({
      _id: mediaId,
      source: 'line',
      userId: person.userId,
      kind: 'image',
      status: 'stored',
      contentType: 'image/png',
      size: png.length,
      chunkCount: 1,
      attempts: 0,
      createdAt: new Date(),
    });
    await MediaChunk.create({ _id: `${mediaId}:0`, mediaId, n: 0, data: png });
    const created = await createCase(caseModels(service.database.connection), {
      intakeId: `publication-${person.userId}`,
      consentId: 'consent-test',
      language,
      reporter: { lineUserId: person.userId },
      reportedBy: 'self',
      household: { headName, size: 4, vulnerable: [], tenure: 'own', phone: '0891112233' },
      category: 'roof',
      description: { text: 'หลังคารั่วตรงห้องนอนลับเฉพาะ' },
      mediaIds: [mediaId],
      location: {
        lat: 16.651234,
        lng: 100.991234,
        typedAddress: { village: 'บ้านทดสอบลับ', district: 'เขาค้อ' },
      },
    });
    const reference = created.case.reference;
    const patch = (body: object) =>
      request(service.url).patch(`/api/cases/${reference}`).set(staff()).send(body).expect(200);
    await patch({ status: 'reviewing', notify: false });
    await patch({ status: 'visit_scheduled', visitDate: new Date().toISOString().slice(0, 10) });
    await patch({ status: 'assessed', notify: false });
    await patch({ status: 'approved', notify: false });
    await patch({ status: 'in_progress', notify: false });
    await request(service.url)
      .post(`/api/cases/${reference}/photos`)
      .set(staff())
      .set('content-type', 'image/png')
      .send(housePhoto(12, 'after'))
      .expect(201);
    const before = service.sandbox.emulator.sentMessages(person.userId).length;
    await patch({ status: 'completed' });
    // The completion card with its rating, and the question, arrive as a push: they are on the screen now.
    const pushed = await service.sandbox.emulator.waitForMessages({
      userId: person.userId,
      count: before + 2,
    });
    person.received.push(...pushed.slice(before));
    return reference;
  }

  const publicPage = async () =>
    (await request(service.url).get(`/public?lang=${language}`).expect(200)).text;
  const storyPhotos = (html: string) =>
    [...html.matchAll(/src="(\/public\/stories\/[^"]+)"/g)].map((m) => m[1]!);
  const consentOf = (reference: string) =>
    publicationConsentModel(service.database.connection).findById(reference).lean();

  it('asks at completion in the household language, publishes on yes, and takes it off on withdrawal', async () => {
    const person = await consentedPerson(service, language);
    const reference = await completedCase(person, 'นางเปา แซ่ย่างลับ');

    const question = person.last()!;
    expect(wordsOf(question)).toContain(say(language, 'ask.title'));
    expect(tappable(question).data).toEqual([`publish:yes:${reference}`, `publish:no:${reference}`]);
    expect(await consentOf(reference)).toMatchObject({
      status: 'asked',
      language,
      lineUserId: person.userId,
    });
    expect(storyPhotos(await publicPage())).toEqual([]);

    const thanks = await person.tap(`publish:yes:${reference}`);
    expect(wordsOf(thanks[0]!)).toContain(say(language, 'answer.given'));
    expect(await consentOf(reference)).toMatchObject({ status: 'given' });
    const page = await publicPage();
    const photos = storyPhotos(page);
    expect(photos).toHaveLength(2);
    for (const secret of [
      reference,
      person.userId,
      'นางเปา',
      'แซ่ย่างลับ',
      '0891112233',
      'บ้านทดสอบลับ',
      '16.6512',
      'ลับเฉพาะ',
    ])
      expect(page).not.toContain(secret);
    const photo = await request(service.url).get(photos[0]!).expect(200);
    expect(photo.headers['content-type']).toBe('image/png');
    expect(photo.headers['cache-control']).toBe('no-store');

    const withdrawn = await person.tap(`publish:withdraw:${reference}`);
    expect(wordsOf(withdrawn[0]!)).toContain(say(language, 'answer.withdrawn'));
    expect(await consentOf(reference)).toMatchObject({ status: 'withdrawn' });
    expect(storyPhotos(await publicPage())).toEqual([]);
    await request(service.url).get(photos[0]!).expect(404);
  });

  it('publishes nothing on no', async () => {
    const person = await consentedPerson(service, language);
    const reference = await completedCase(person, 'นายซัว แซ่ลี');
    const answer = await person.tap(`publish:no:${reference}`);
    expect(wordsOf(answer[0]!)).toContain(say(language, 'answer.declined'));
    expect(await consentOf(reference)).toMatchObject({ status: 'declined' });
    expect(storyPhotos(await publicPage())).toEqual([]);
  });

  it('lets no one else answer for the household', async () => {
    const person = await consentedPerson(service, language);
    const reference = await completedCase(person, 'นางลี แซ่ว่าง');
    const stranger = await consentedPerson(service, language);
    const answer = await press(stranger, `publish:yes:${reference}`);
    expect(wordsOf(answer[0]!)).toContain(
      say(language, 'answer.unknown').replace('{{reference}}', reference),
    );
    expect(await consentOf(reference)).toMatchObject({ status: 'asked' });
  });

  it('takes the story off when the person withdraws their consent in My data', async () => {
    const person = await consentedPerson(service, language);
    const reference = await completedCase(person, 'นางเย แซ่ม้า');
    await person.tap(`publish:yes:${reference}`);
    const photos = storyPhotos(await publicPage());
    expect(photos.length).toBeGreaterThanOrEqual(2);

    await press(person, 'flow:my-data');
    await person.tap('a:what:withdraw');
    await person.tap('a:confirm_withdraw:yes');
    expect(await consentOf(reference)).toMatchObject({ status: 'withdrawn' });
    const after = storyPhotos(await publicPage());
    expect(after.filter((src) => photos.includes(src))).toEqual([]);
    for (const src of photos) await request(service.url).get(src).expect(404);
  });

  it('takes the story off at once when the person erases their data', async () => {
    const person = await consentedPerson(service, language);
    const reference = await completedCase(person, 'นางหมี แซ่ท้าว');
    await person.tap(`publish:yes:${reference}`);
    const photos = storyPhotos(await publicPage());
    expect(photos.length).toBeGreaterThanOrEqual(2);

    await press(person, 'flow:my-data');
    await person.tap('a:what:delete');
    await person.tap('a:confirm_delete:yes');
    expect(await consentOf(reference)).toBeNull();
    const after = storyPhotos(await publicPage());
    expect(after.filter((src) => photos.includes(src))).toEqual([]);
    for (const src of photos) await request(service.url).get(src).expect(404);
  });
});
