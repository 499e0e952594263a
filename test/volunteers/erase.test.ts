import request from 'supertest';
import { buildEvent } from '../../src/line-emulator/webhook-client';
import { caseModels } from '../../src/cases/create-case';
import { ALIAS } from '../../src/richmenus';
import { volunteerModels } from '../../src/volunteers';
import { wasApproved } from '../../src/volunteers/erase';
import { addCase, bearer } from '../case-api/helpers';
import {
  consentedPerson,
  startSandboxService,
  stopSandboxService,
  textOf,
  type Person,
  type SandboxService,
} from '../e2e/harness';
import { addStaff, PASSWORD } from '../staff/helpers';

const VOLUNTEER_COLLECTIONS = ['volunteers', 'volunteer_claims', 'volunteer_assignments'];

/** Registers in the chat as a volunteer in Mae Rim; returns the registration id. */
async function registerInChat(
  service: SandboxService,
  person: Person,
  who: { name: string; phone: string; organisation: string },
  keyword = 'volunteer',
) {
  await person.say(keyword);
  await person.say(who.name);
  await person.say(who.phone);
  await person.say(who.organisation);
  await person.say('Mae Rim, Chiang Mai');
  await person.tap('a:areas_ok:yes');
  await person.tap('a:data_consent:agree');
  await person.tap('a:summary:confirm');
  const stored = await volunteerModels(service.database.connection)
    .Volunteer.find({ lineUserId: person.userId })
    .lean();
  expect(stored).toHaveLength(1);
  return stored[0]!._id;
}

/** "Delete my data" from the rich menu's my-data postback, confirmed. */
async function deleteMyData(person: Person) {
  await person.post(buildEvent.postback({ ...person.turn(), data: 'flow:my-data' }));
  await person.tap('a:what:delete');
  await person.tap('a:confirm_delete:yes');
}

/** Every document of the volunteer collections, as text, to look for anything personal. */
async function volunteerRecords(service: SandboxService): Promise<string> {
  const db = service.database.connection.db!;
  const docs = await Promise.all(VOLUNTEER_COLLECTIONS.map((name) => db.collection(name).find().toArray()));
  return JSON.stringify(docs.flat());
}

const unlinksOf = (service: SandboxService, userId: string) =>
  service.sandbox.emulator
    .calls()
    .filter((call) => call.method === 'DELETE' && call.path === `/v2/bot/user/${userId}/richmenu`);

describe('a volunteer who deletes their data in the chat', () => {
  let service: SandboxService;
  let token: string;

  beforeAll(async () => {
    service = await startSandboxService('volunteererase');
    const coordinator = await addStaff(service.database, 'coordinator');
    const res = await request(service.url)
      .post('/api/auth/login')
      .send({ email: coordinator.email, password: PASSWORD })
      .expect(200);
    token = res.body.token as string;
  });
  afterAll(() => stopSandboxService(service));

  it('loses the approved registration, its claims and the volunteer menu; an assignment keeps only its case', async () => {
    const emulator = service.sandbox.emulator;
    const volunteer = { name: 'Nuan Saetang', phone: '0891234567', organisation: 'Mae Rim Health Club' };
    const person = await consentedPerson(service, 'en');
    const id = await registerInChat(service, person, volunteer);
    await request(service.url).post(`/api/volunteers/${id}/approve`).set(bearer(token)).expect(200);
    expect(emulator.richMenuState().userLinks[person.userId]).toBe(
      emulator.richMenuState().aliases[ALIAS.volunteer],
    );
    const record = await addCase(service.database, {
      location: { lat: 18.9, lng: 98.94 },
    });
    await request(service.url)
      .post(`/api/cases/${record.reference}/assign-volunteer`)
      .set(bearer(token))
      .send({ volunteerId: id })
      .expect(200);

    // Another volunteer, who keeps everything.
    const other = await consentedPerson(service, 'en', 'Other');
    const otherId = await registerInChat(service, other, {
      name: 'Kham Lee',
      phone: '0817654321',
      organisation: 'Saraphi Group',
    });
    await request(service.url).post(`/api/volunteers/${otherId}/approve`).set(bearer(token)).expect(200);

    const before = await volunteerRecords(service);
    for (const value of [person.userId, volunteer.name, volunteer.phone, volunteer.organisation])
      expect(before).toContain(value);
    expect(unlinksOf(service, person.userId)).toHaveLength(0);

    await deleteMyData(person);
    expect(textOf(person.last()!)).toMatch(/deleted/i);

    const models = volunteerModels(service.database.connection);
    expect(await models.Volunteer.countDocuments({ lineUserId: person.userId })).toBe(0);
    expect(await models.Volunteer.findById(id).lean()).toBeNull();
    expect(await models.VolunteerClaim.countDocuments({ _id: { $regex: `^${id}:` } })).toBe(0);
    const after = await volunteerRecords(service);
    for (const value of [person.userId, id, volunteer.name, volunteer.phone, volunteer.organisation])
      expect(after).not.toContain(value);
    const assignment = await models.VolunteerAssignment.findById(record.reference).lean();
    expect(assignment).toMatchObject({ lineUserId: 'erased', volunteerId: 'erased' });
    expect(assignment?.assignedBy).toEqual(expect.any(String));

    expect(unlinksOf(service, person.userId)).toHaveLength(1);
    expect(emulator.richMenuState().userLinks[person.userId]).toBeUndefined();

    // The other volunteer is untouched.
    expect(await models.Volunteer.findById(otherId).lean()).toMatchObject({
      status: 'active',
      name: 'Kham Lee',
    });
    expect(emulator.richMenuState().userLinks[other.userId]).toBeDefined();
  });

  it("keeps the households' reports a volunteer made, without the volunteer", async () => {
    const person = await consentedPerson(service, 'en');
    const household = await addCase(service.database, {
      reporter: { lineUserId: person.userId },
      reportedBy: 'volunteer',
      volunteer: { lineUserId: person.userId, relation: 'volunteer', householdInformed: true },
      household: {
        headName: 'Yer Lee',
        size: 6,
        vulnerable: ['elderly'],
        tenure: 'own',
        phone: '0812223333',
      },
      description: { text: 'the roof of the Lee family leaks' },
      location: { lat: 18.9, lng: 98.94 },
    });
    const own = await addCase(service.database, {
      reporter: { lineUserId: person.userId },
      description: { text: 'my own toilet is broken' },
      location: { lat: 18.9, lng: 98.94 },
    });

    await deleteMyData(person);
    expect(textOf(person.received.at(-2)!)).toMatch(/1 report\(s\) you made for households are kept/);

    const cases = caseModels(service.database.connection).cases;
    const kept = await cases.findOne({ reference: household.reference }).lean();
    expect(kept).toMatchObject({
      reporter: { lineUserId: 'erased' },
      household: { headName: 'Yer Lee', phone: '0812223333' },
      description: { text: 'the roof of the Lee family leaks' },
      location: { lat: 18.9, lng: 98.94 },
    });
    expect(kept).not.toHaveProperty('volunteer');
    expect(JSON.stringify(kept)).not.toContain(person.userId);
    const erased = await cases.findOne({ reference: own.reference }).lean();
    expect(erased?.description?.text).toBe('[erased]');
    expect(JSON.stringify(erased)).not.toContain(person.userId);
  });

  it('loses a pending registration too, without a call to LINE for a menu never linked', async () => {
    const person = await consentedPerson(service, 'th');
    const pending = { name: 'สมชาย ใจดี', phone: '0812345678', organisation: 'อสม. บ้านแม่ริม' };
    await registerInChat(service, person, pending, 'อาสาสมัคร');

    await deleteMyData(person);

    const models = volunteerModels(service.database.connection);
    expect(await models.Volunteer.countDocuments({ lineUserId: person.userId })).toBe(0);
    const after = await volunteerRecords(service);
    for (const value of [person.userId, pending.name, pending.phone, pending.organisation])
      expect(after).not.toContain(value);
    expect(unlinksOf(service, person.userId)).toHaveLength(0);
  });
});

describe('wasApproved', () => {
  it('is true for registrations that may have linked the volunteer menu', () => {
    expect(wasApproved({ status: 'active' })).toBe(true);
    expect(wasApproved({ status: 'revoked', endedAt: new Date() })).toBe(true);
    expect(wasApproved({ status: 'superseded', endedAt: new Date() })).toBe(true);
    expect(wasApproved({ status: 'superseded' })).toBe(false);
    expect(wasApproved({ status: 'pending' })).toBe(false);
    expect(wasApproved({ status: 'rejected' })).toBe(false);
  });
});
