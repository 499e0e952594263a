import { caseModels } from '../../src/cases/create-case';
import { loadResources } from '../../src/i18n';
import { buildEvent, newMessageId } from '../../src/line-emulator/webhook-client';
import { mediaModels } from '../../src/media/models';
import {
  answerHousehold,
  consentedPerson,
  jpegPhoto,
  type Person,
  startSandboxService,
  stopSandboxService,
  tappable,
  textOf,
  type SandboxService,
} from './harness';

type MediaTexts = { unsupported: string; unavailable: string };
const resources = loadResources();
const mediaText = (language: string) => (resources[language]!.line as { media: MediaTexts }).media;

/** From the menu to the photo step of a roof report. */
async function reachPhotos(person: Person, description: string): Promise<void> {
  await person.tap('a:full:report');
  await person.say(description);
  if (tappable(person.last()).data.includes('a:category:roof')) await person.tap('a:category:roof');
  expect(tappable(person.last()).data).toContain('a:photos:__skip');
}

/** From the location question to the created case, and its household questions. */
async function finishReport(person: Person): Promise<void> {
  await person.shareLocation(16.65, 101.13);
  await person.tap('a:phone:__skip');
  await person.tap('a:summary:confirm');
  await answerHousehold(person, { size: '4', vulnerable: [], tenure: 'rent' });
}

describe('photos that go away or cannot be taken, in the middle of a report', () => {
  let service: SandboxService | undefined;

  afterEach(async () => {
    await stopSandboxService(service);
    service = undefined;
  });

  it('forgets a photo the user unsent: gone from the media collection and not in the case', async () => {
    service = await startSandboxService('e2eunsend');
    const person = await consentedPerson(service, 'th');
    await reachPhotos(person, 'หลังคารั่วตรงครัว');

    const first = await person.sendPhotos([{ data: jpegPhoto(21), contentType: 'image/jpeg' }]);
    const second = await person.sendPhotos([{ data: jpegPhoto(22), contentType: 'image/jpeg' }]);
    const [unsentId] = first.messageIds;
    const [keptId] = second.messageIds;
    const media = mediaModels(service.database.connection);
    expect(await media.Media.countDocuments({ status: 'stored' })).toBe(2);

    // The user unsends the first photo: LINE sends an unsend event (no reply token) and forgets the content.
    service.sandbox.emulator.addContent(unsentId!, { status: 410 });
    const quiet = await person.post(buildEvent.unsend({ ...person.turn(), messageId: unsentId! }));
    expect(quiet).toHaveLength(0);
    expect(await media.Media.findById(`line-${unsentId}`).lean()).toBeNull();
    expect(await media.MediaChunk.countDocuments({ mediaId: `line-${unsentId}` })).toBe(0);

    await person.tap('a:photos:__done');
    await finishReport(person);

    const created = await caseModels(service.database.connection).cases.findOne({}).lean();
    expect(created?.mediaIds).toEqual([`line-${keptId}`]);
    expect(created?.description?.text).toBe('หลังคารั่วตรงครัว');
    expect(await media.Media.findById(`line-${unsentId}`).lean()).toBeNull();
    expect(await media.Media.findById(`line-${keptId}`).lean()).toMatchObject({ status: 'stored' });
  });

  it('says clearly, in the user’s language, when a photo cannot be taken, and loses nothing', async () => {
    service = await startSandboxService('e2ebadphoto');
    const person = await consentedPerson(service, 'en');
    await reachPhotos(person, 'Rain comes through the roof');

    // A kind of file LINE labels as an image type we do not take.
    const unsupported = await person.sendPhotos([
      { data: Buffer.from('II*\0not really a tiff'), contentType: 'image/tiff' },
    ]);
    // Why, first; then the photo step asks again with its own buttons.
    expect(unsupported.answer.map(textOf)[0]).toBe(mediaText('en').unsupported);
    expect(tappable(unsupported.answer.at(-1)!).data).toEqual(expect.arrayContaining(['cmd:cancel']));

    // Two photos at once; LINE answers 410 for the second (it is gone).
    const goodBytes = jpegPhoto(31);
    const goneId = newMessageId();
    const goodId = newMessageId();
    const emulator = service.sandbox.emulator;
    emulator.addContent(goodId, { data: goodBytes, contentType: 'image/jpeg' });
    emulator.addContent(goneId, { status: 410 });
    const set = { id: `set-${newMessageId()}`, total: 2 };
    const answer = await person.post(
      buildEvent.image({ ...person.turn(), messageId: goodId, imageSet: { ...set, index: 1 } }),
      buildEvent.image({ ...person.turn(), messageId: goneId, imageSet: { ...set, index: 2 } }),
    );
    expect(answer.map(textOf)).toContain(mediaText('en').unavailable);

    // The report goes on where it was: the good photo, the category and the description are all kept.
    await person.say('done');
    expect(tappable(person.last()).types).toContain('location');
    await finishReport(person);

    const created = await caseModels(service.database.connection).cases.findOne({}).lean();
    expect(created).toMatchObject({
      category: 'roof',
      description: { text: 'Rain comes through the roof' },
      mediaIds: [`line-${goodId}`],
      household: { size: 4, tenure: 'rent' },
    });
    const media = mediaModels(service.database.connection);
    expect(await media.Media.findById(`line-${goneId}`).lean()).toMatchObject({ status: 'unavailable' });
    expect(await media.Media.findById(`line-${unsupported.messageIds[0]}`).lean()).toMatchObject({
      status: 'unsupported',
    });
    expect(await media.MediaChunk.countDocuments({ mediaId: `line-${goneId}` })).toBe(0);
  });

  // The media error is said, then the engine asks again with the photo step's own buttons.
  it('keeps the photo step’s buttons on screen after a photo that cannot be taken', async () => {
    service = await startSandboxService('e2ebadphotobuttons');
    const person = await consentedPerson(service, 'th');
    await reachPhotos(person, 'หลังคารั่ว');
    const { answer } = await person.sendPhotos([{ data: Buffer.from('BMxx'), contentType: 'image/bmp' }]);
    expect(answer.map(textOf)).toContain(mediaText('th').unsupported);
    expect(tappable(person.last()).data).toEqual(expect.arrayContaining(['a:photos:__skip', 'cmd:cancel']));
  });

  // A set is acknowledged when complete, or at its last photo when LINE lost an earlier one.
  it('confirms the photo taken when another photo of the same set was lost', async () => {
    service = await startSandboxService('e2esetack');
    const person = await consentedPerson(service, 'en');
    await reachPhotos(person, 'Rain comes through the roof');
    const goneId = newMessageId();
    const goodId = newMessageId();
    const emulator = service.sandbox.emulator;
    emulator.addContent(goneId, { status: 410 });
    emulator.addContent(goodId, { data: jpegPhoto(41), contentType: 'image/jpeg' });
    const set = { id: `set-${newMessageId()}`, total: 2 };
    const answer = await person.post(
      buildEvent.image({ ...person.turn(), messageId: goneId, imageSet: { ...set, index: 1 } }),
      buildEvent.image({ ...person.turn(), messageId: goodId, imageSet: { ...set, index: 2 } }),
    );
    expect(answer.map(textOf)).toContain(mediaText('en').unavailable);
    expect(answer.map(textOf).join('\n')).toContain('Got it: 1 photo(s).');
  });
});
