import request from 'supertest';
import { buildEvent } from '../../src/line-emulator/webhook-client';
import { volunteerModels } from '../../src/volunteers';
import { consentedPerson, jpegPhoto, type Person, type SandboxService } from '../e2e/harness';

export const ADMIN = { ADMIN_EMAIL: 'coordinator@example.org', ADMIN_PASSWORD: 'a long test password 15' };

/** A tap on the rich menu (always on screen, unlike a quick reply). */
export function press(person: Person, data: string) {
  return person.post(buildEvent.postback({ ...person.turn(), data }));
}

/** A consented person whose volunteer registration staff approved. */
export async function volunteer(service: SandboxService, language: 'th' | 'en' | 'hmn', id: string) {
  const person = await consentedPerson(service, language);
  await volunteerModels(service.database.connection).Volunteer.create({
    _id: id,
    lineUserId: person.userId,
    status: 'active',
    name: `Volunteer ${id}`,
    phone: '0812345678',
    areas: [],
    language,
    registeredAt: new Date(),
  });
  return person;
}

export async function staffToken(service: SandboxService): Promise<string> {
  const res = await request(service.url)
    .post('/api/auth/login')
    .send({ email: ADMIN.ADMIN_EMAIL, password: ADMIN.ADMIN_PASSWORD })
    .expect(200);
  return res.body.token as string;
}

export type Household = {
  name: string;
  phone?: string;
  members?: number;
  toilet?: string;
  tenureDocument?: string;
  vulnerable?: string[];
  exposure?: string[];
  urgent?: boolean;
  photos?: number;
  place?: [number, number];
};

/** The questions up to the household's size: the door, the agreement, who they are. */
export async function surveyStart(person: Person, h: Household) {
  await person.tap('a:notice_read:yes');
  await person.tap('a:consent:agree');
  await person.tap('a:respondent:head');
  await person.say(h.name);
  if (h.phone) await person.say(h.phone);
  else await person.tap('a:phone:__skip');
  await person.tap('a:head_woman:no');
  await person.say(String(h.members ?? 5));
}

/** The rest, to the summary confirmed. */
export async function surveyRest(person: Person, h: Household) {
  await person.say('2');
  await person.tap('a:sensitive:yes');
  for (const v of h.vulnerable ?? []) await person.tap(`a:vulnerable:${v}`);
  await person.tap(h.vulnerable?.length ? 'a:vulnerable:__done' : 'a:vulnerable:none');
  await person.tap('a:ethnicity:hmong');
  await person.tap('a:roof_material:metal_sheet');
  await person.tap('a:roof_condition:repair');
  await person.tap('a:wall_material:wood');
  await person.tap('a:wall_condition:unsafe');
  await person.tap('a:floor_material:earth');
  await person.tap('a:floor_condition:repair');
  await person.tap('a:tenure:public_land');
  await person.tap(`a:land_document:${h.tenureDocument ?? 'none'}`);
  await person.tap('a:eviction:no');
  await person.tap('a:water:stream');
  await person.tap(`a:toilet:${h.toilet ?? 'none'}`);
  await person.tap('a:electricity:solar');
  for (const e of h.exposure ?? []) await person.tap(`a:exposure:${e}`);
  await person.tap(h.exposure?.length ? 'a:exposure:__done' : 'a:exposure:none');
  await person.tap('a:priority:toilet');
  if (h.photos) {
    await person.sendPhotos(
      Array.from({ length: h.photos }, (_, i) => ({ data: jpegPhoto(40 + i), contentType: 'image/jpeg' })),
    );
    await person.tap('a:photos:__done');
  } else await person.tap('a:photos:__skip');
  const [lat, lng] = h.place ?? [16.65, 101.13];
  await person.shareLocation(lat, lng);
  await person.tap(`a:urgent:${h.urgent ? 'case' : 'no'}`);
  return person.tap('a:summary:confirm');
}
