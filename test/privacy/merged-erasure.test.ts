import request from 'supertest';
import { caseModels, createCase } from '../../src/cases/create-case';
import { buildEvent } from '../../src/line-emulator/webhook-client';
import { mediaModels } from '../../src/media/models';
import {
  consentedPerson,
  Person,
  startSandboxService,
  stopSandboxService,
  type SandboxService,
} from '../e2e/harness';

const press = (person: Person, data: string) => person.post(buildEvent.postback({ ...person.turn(), data }));

/**
 * Staff merge two reports of one house: the merged case's photos join the case it is merged into.
 * When one of the two households erases its data, the other household's photos stay.
 */
describe('erasing one of two merged cases', () => {
  let service: SandboxService;
  let token: string;

  beforeAll(async () => {
    service = await startSandboxService('mergederasure');
    token = (await request(service.url).post('/api/auth/login').send(service.sandbox.admin).expect(200)).body
      .token as string;
  });
  afterAll(() => stopSandboxService(service));

  async function reportWithPhoto(person: Person, photoId: string, head: string): Promise<string> {
    const { Media, MediaChunk } = mediaModels(service.database.connection);
    await Media.create({
      _id: photoId,
      source: 'line',
      userId: person.userId,
      kind: 'image',
      status: 'stored',
      contentType: 'image/png',
      size: 3,
      chunkCount: 1,
      attempts: 0,
      createdAt: new Date(),
    });
    await MediaChunk.create({ _id: `${photoId}:0`, mediaId: photoId, n: 0, data: Buffer.from('png') });
    const created = await createCase(caseModels(service.database.connection), {
      intakeId: `merged-${person.userId}`,
      consentId: 'consent-test',
      language: 'en',
      reporter: { lineUserId: person.userId },
      reportedBy: 'self',
      household: { headName: head, size: 4, vulnerable: [], tenure: 'own', phone: '0891112233' },
      category: 'roof',
      description: { text: 'The roof leaks' },
      mediaIds: [photoId],
      location: { lat: 16.65, lng: 100.99 },
    });
    return created.case.reference;
  }

  const stored = async (id: string) =>
    (await mediaModels(service.database.connection).Media.findById(id).lean())?.status;

  it("keeps the other household's photos, and takes the erasing person's own from both cases", async () => {
    const first = await consentedPerson(service, 'en');
    const second = await consentedPerson(service, 'en');
    const merged = await reportWithPhoto(first, 'photo-of-first', 'Ms First');
    const survivor = await reportWithPhoto(second, 'photo-of-second', 'Ms Second');
    await request(service.url)
      .post('/api/duplicates/merge')
      .set({ authorization: `Bearer ${token}` })
      .send({ from: merged, into: survivor })
      .expect(200);
    const { cases } = caseModels(service.database.connection);
    expect((await cases.findOne({ reference: survivor }).lean())!.mediaIds).toEqual([
      'photo-of-second',
      'photo-of-first',
    ]);

    // The survivor's household erases its data: its own photo goes, the merged household's stays.
    await press(second, 'flow:my-data');
    await second.tap('a:what:delete');
    await second.tap('a:confirm_delete:yes');
    expect(await stored('photo-of-second')).toBeUndefined();
    expect(await stored('photo-of-first')).toBe('stored');
    expect((await cases.findOne({ reference: merged }).lean())!.mediaIds).toEqual(['photo-of-first']);

    // Then the merged household erases its own: its photo goes too.
    await press(first, 'flow:my-data');
    await first.tap('a:what:delete');
    await first.tap('a:confirm_delete:yes');
    expect(await stored('photo-of-first')).toBeUndefined();
  });
});
