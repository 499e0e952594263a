import { REPORTER_ACTOR } from '../../src/cases/lifecycle';
import { caseApiModels } from '../../src/cases/case-records';
import { caseModels } from '../../src/cases/create-case';
import { loadResources } from '../../src/i18n';
import { buildEvent } from '../../src/line-emulator/webhook-client';
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

const resources = loadResources();
const casesText = (language: string) =>
  (resources[language]!.line as { cases: Record<string, string> }).cases;

/** A roof report with one photo, from the menu to the created case; returns its reference. */
async function report(person: Person, service: SandboxService): Promise<string> {
  await person.tap('a:full:report');
  await person.say('Rain comes through the roof');
  await person.sendPhotos([{ data: jpegPhoto(51), contentType: 'image/jpeg' }]);
  await person.tap('a:photos:__done');
  await person.shareLocation(16.65, 101.13);
  await person.tap('a:phone:__skip');
  await person.tap('a:summary:confirm');
  await answerHousehold(person, { size: '4', vulnerable: [], tenure: 'rent' });
  const created = await caseModels(service.database.connection)
    .cases.findOne({ 'reporter.lineUserId': person.userId })
    .lean();
  return created!.reference;
}

/** A button on one of the case cards shown earlier (cards stay on screen above the last message). */
const press = (person: Person, data: string) => person.post(buildEvent.postback({ ...person.turn(), data }));

describe('my cases: add photos or a note to an open case, or withdraw it', () => {
  let service: SandboxService | undefined;

  afterEach(async () => {
    await stopSandboxService(service);
    service = undefined;
  });

  it('adds photos and a note, withdraws after a confirmation, and refuses once closed', async () => {
    service = await startSandboxService('e2emycases');
    const person = await consentedPerson(service, 'en');
    const reference = await report(person, service);
    const cases = caseModels(service.database.connection).cases;
    const en = casesText('en');

    // The card of the open case carries its three buttons.
    const shown = await press(person, 'flow:my-cases');
    const card = shown.find((message) => message.message.type === 'flex');
    expect(tappable(card).data).toEqual([
      `case:${reference}:photos`,
      `case:${reference}:note`,
      `case:${reference}:withdraw`,
    ]);

    // Photos: two at once, acknowledged once, then done.
    await press(person, `case:${reference}:photos`);
    expect(tappable(person.last()).types).toEqual(expect.arrayContaining(['cameraRoll', 'camera']));
    const { messageIds, answer } = await person.sendPhotos([
      { data: jpegPhoto(52), contentType: 'image/jpeg' },
      { data: jpegPhoto(53), contentType: 'image/jpeg' },
    ]);
    expect(answer.map(textOf).join('\n')).toContain('Got it: 2 photo(s).');
    const added = await person.tap('a:photos:__done');
    expect(added.map(textOf).join('\n')).toContain(
      en.photos_added!.replace('{{n}}', '2').replace('{{reference}}', reference),
    );
    expect(tappable(person.last()).data).toEqual(expect.arrayContaining(['flow:my-cases', 'cmd:menu']));

    // A note, typed.
    await press(person, `case:${reference}:note`);
    const noted = await person.say('The leak is worse since last night');
    expect(noted.map(textOf).join('\n')).toContain(en.note_added!.replace('{{reference}}', reference));

    let stored = await cases.findOne({ reference }).lean();
    const photoIds = messageIds.map((id) => `line-${id}`);
    expect(stored!.mediaIds).toEqual(expect.arrayContaining(photoIds));
    expect(stored!.mediaIds).toHaveLength(3);
    expect(stored!.timeline).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'media_added',
          actor: 'reporter',
          actorId: person.userId,
          mediaIds: photoIds,
        }),
        expect.objectContaining({
          kind: 'note',
          actor: 'reporter',
          text: 'The leak is worse since last night',
        }),
      ]),
    );
    expect(stored!.status).toBe('new');

    // Withdraw: "no" keeps the case; "yes" withdraws it.
    await press(person, `case:${reference}:withdraw`);
    await person.tap('a:confirm_withdraw:no');
    expect((await cases.findOne({ reference }).lean())!.status).toBe('new');
    await press(person, `case:${reference}:withdraw`);
    const withdrawn = await person.tap('a:confirm_withdraw:yes');
    expect(withdrawn.map(textOf).join('\n')).toContain(en.withdrawn!.replace('{{reference}}', reference));
    stored = await cases.findOne({ reference }).lean();
    expect(stored!.status).toBe('withdrawn');
    expect(stored!.timeline.at(-1)).toMatchObject({
      kind: 'withdrawn',
      actor: 'reporter',
      actorId: person.userId,
      from: 'new',
      to: 'withdrawn',
    });
    // A numbered lifecycle change like a staff one, by the reporter: no staff id, no LINE id.
    const changes = await caseApiModels(service.database.connection).CaseChange.find({ reference }).lean();
    expect(changes).toEqual([
      expect.objectContaining({
        _id: `${reference}:1`,
        seq: 1,
        from: 'new',
        to: 'withdrawn',
        actorId: REPORTER_ACTOR,
        appliedAt: expect.any(Date),
      }),
    ]);
    expect(stored!.changeSeq).toBe(1);
    const entries = stored!.timeline.length;

    // A withdrawn case shows no buttons, and an old button is answered with why not.
    const again = await press(person, 'flow:my-cases');
    expect(tappable(again.find((message) => message.message.type === 'flex')).data).toEqual([]);
    await press(person, `case:${reference}:photos`);
    const late = await person.sendPhotos([{ data: jpegPhoto(54), contentType: 'image/jpeg' }]);
    const refused = await person.tap('a:photos:__done');
    expect(refused.map(textOf).join('\n')).toContain(`${reference}`);
    expect(refused.map(textOf).join('\n')).toContain('closed');
    stored = await cases.findOne({ reference }).lean();
    expect(stored!.timeline).toHaveLength(entries);
    // The refused photo is not kept anywhere.
    const media = mediaModels(service.database.connection);
    expect(await media.Media.findById(`line-${late.messageIds[0]}`).lean()).toBeNull();
  });

  it('does not let another user add to or withdraw someone else’s case', async () => {
    service = await startSandboxService('e2emycasesother');
    const owner = await consentedPerson(service, 'th');
    const reference = await report(owner, service);
    const other = await consentedPerson(service, 'en');

    await press(other, `case:${reference}:withdraw`);
    const answer = await other.tap('a:confirm_withdraw:yes');
    expect(answer.map(textOf).join('\n')).toContain(
      casesText('en').not_found!.replace('{{reference}}', reference),
    );
    const stored = await caseModels(service.database.connection).cases.findOne({ reference }).lean();
    expect(stored!.status).toBe('new');
    expect(stored!.timeline.some((entry) => entry.actorId === other.userId)).toBe(false);
  });
});
