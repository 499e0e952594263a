import request from 'supertest';
import { parseConfig } from '../../src/config';
import { ingestionModels } from '../../src/ingestion/models';
import { SANDBOX_USERS } from '../../src/sandbox/users';
import { startService, type Service } from '../../src/service';
import { volunteerModels } from '../../src/volunteers/model';
import { menuLinkModel } from '../../src/richmenus';
import { testDatabaseServer, uniqueDbName } from '../helpers/db';
import { eventually } from '../helpers/ingestion';
import { testLogger } from '../helpers/logger';

const [thai, hmong, volunteer, staff] = SANDBOX_USERS;

/** The real service in sandbox mode on a database that outlives it, as `npm start` twice. */
async function startSandbox(dbName: string): Promise<Service> {
  const parsed = parseConfig({});
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  return startService({
    config: parsed.config,
    logger: testLogger,
    port: 0,
    jobs: false,
    databaseServer: testDatabaseServer(),
    dbName,
  });
}

describe('sandbox after a restart', () => {
  const dbName = uniqueDbName('sandboxrestart');
  let service: Service | undefined;

  afterAll(async () => {
    if (!service) return;
    await service.processor.idle();
    await service.database.connection.dropDatabase().catch(() => undefined);
    await service.stop();
  });

  const friendshipOf = async (userId: string) => {
    const { body } = await request(service!.url).get('/sandbox/api/users').expect(200);
    return body.users.find((user: { userId: string }) => user.userId === userId).friendship;
  };

  it('remembers who is a friend, who blocked, and gives approved volunteers their menu again', async () => {
    service = await startSandbox(dbName);
    const post = (userId: string, action: Record<string, unknown>) =>
      request(service!.url).post('/sandbox/api/events').send({ userId, action }).expect(200);
    await post(thai!.userId, { type: 'follow' });
    await post(hmong!.userId, { type: 'follow' });
    await post(hmong!.userId, { type: 'unfollow' });
    await post(volunteer!.userId, { type: 'follow' });
    const { LineUser } = ingestionModels(service.database.connection);
    const known = await eventually(
      () => LineUser.find({}, { followed: 1 }).sort({ _id: 1 }).lean(),
      (users) => users.length === 3 && users.every((user) => user.followed === (user._id !== hmong!.userId)),
    );
    expect(known.map((user) => [user._id, user.followed])).toEqual(
      expect.arrayContaining([
        [thai!.userId, true],
        [hmong!.userId, false],
        [volunteer!.userId, true],
      ]),
    );
    // Approved by staff (the approval itself is the volunteers' module's business).
    await volunteerModels(service.database.connection).Volunteer.create({
      _id: 'registration-1',
      lineUserId: volunteer!.userId,
      status: 'active',
      name: 'Emma Clarke',
      phone: '0812345678',
      language: 'en',
      registeredAt: new Date(),
    });
    await service.processor.idle();
    await service.stop();

    service = await startSandbox(dbName);
    expect(await friendshipOf(thai!.userId)).toBe('friend');
    expect(await friendshipOf(hmong!.userId)).toBe('blocked');
    expect(await friendshipOf(staff!.userId)).toBe('none');

    const emulator = service.sandbox!.emulator;
    const menus = emulator.richMenuState();
    const volunteerMenu = menus.aliases['needline-volunteer'];
    expect(menus.userLinks).toEqual({ [volunteer!.userId]: volunteerMenu });
    const { body } = await request(service.url)
      .get(`/sandbox/api/users/${volunteer!.userId}/richmenu`)
      .query({ lang: 'en' })
      .expect(200);
    expect(body.richMenu).toMatchObject({ richMenuId: volunteerMenu, chatBarText: expect.any(String) });
    expect(body.richMenu.areas[1].label).toBe('Cases in my area');

    // The emulator knows the block again: the bot's pushes to her are accepted but never delivered.
    const push = await fetch(`${emulator.url}/v2/bot/message/push`, {
      method: 'POST',
      headers: { authorization: `Bearer ${emulator.channelAccessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ to: hmong!.userId, messages: [{ type: 'text', text: 'still there?' }] }),
    });
    expect(push.status).toBe(200);
    expect(emulator.sentMessages(hmong!.userId).map((sent) => sent.delivered)).toEqual([false]);

    // The page offers Unblock, not Add friend; following again makes her a friend.
    await request(service.url)
      .post('/sandbox/api/events')
      .send({ userId: hmong!.userId, action: { type: 'follow' } })
      .expect(200);
    expect(await friendshipOf(hmong!.userId)).toBe('friend');
  });

  it('gives a volunteer surveying in a running campaign the survey menu again', async () => {
    // As the campaign reconcile records it (src/campaigns/volunteer-menus.ts).
    await menuLinkModel(service!.database.connection).create({
      _id: volunteer!.userId,
      menu: 'volunteer-survey',
      at: new Date(),
    });
    await service!.processor.idle();
    await service!.stop();
    service = await startSandbox(dbName);
    const menus = service.sandbox!.emulator.richMenuState();
    expect(menus.userLinks).toEqual({ [volunteer!.userId]: menus.aliases['needline-volunteer-survey'] });
    const { body } = await request(service.url)
      .get(`/sandbox/api/users/${volunteer!.userId}/richmenu`)
      .query({ lang: 'en' })
      .expect(200);
    expect(body.richMenu.areas[0].label).toBe('Survey a household');
  });
});
