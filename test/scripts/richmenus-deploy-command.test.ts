import type { Database } from '../../src/db/connection';
import { createI18n } from '../../src/i18n';
import { startLineEmulator, type LineEmulator } from '../../src/line-emulator';
import { createLineApi, type LineApi } from '../../src/line/line-api';
import {
  buildRichMenuDefinitions,
  deployRichMenus,
  loadRichMenuImages,
  menuLinkModel,
} from '../../src/richmenus';
import { runRichMenuDeploy } from '../../src/scripts/richmenus-deploy-command';
import { volunteerModels, type VolunteerStatus } from '../../src/volunteers/model';
import { dropTestDatabase, openTestDatabase, testDatabaseServer } from '../helpers/db';

const APPROVED = 'U1111111111111111111111111111111a';
const PENDING = 'U2222222222222222222222222222222b';
/** As long as a real channel access token must be. */
const TOKEN = 'emulator-channel-access-token';

let emulator: LineEmulator;
let api: LineApi;
let database: Database;

beforeAll(async () => {
  emulator = await startLineEmulator({ channelAccessToken: TOKEN });
  api = createLineApi({
    channelAccessToken: emulator.channelAccessToken,
    apiBaseUrl: emulator.url,
    dataApiBaseUrl: emulator.url,
  });
  database = await openTestDatabase('richmenucli');
  const { Volunteer } = volunteerModels(database.connection);
  const volunteer = (lineUserId: string, status: VolunteerStatus) =>
    Volunteer.create({
      _id: `run-${lineUserId}`,
      lineUserId,
      status,
      name: 'สมชาย ใจดี',
      phone: '0812345678',
      areas: [{ provinceCode: '67', province: 'เพชรบูรณ์', provinceEn: 'Phetchabun' }],
      language: 'th',
      registeredAt: new Date('2026-03-01T03:00:00Z'),
    });
  await volunteer(APPROVED, 'active');
  await volunteer(PENDING, 'pending');
});

afterAll(async () => {
  await emulator.stop();
  await dropTestDatabase(database);
});

beforeEach(() => emulator.reset());

const lineEnv = () => ({
  LINE_CHANNEL_ACCESS_TOKEN: emulator.channelAccessToken,
  LINE_API_BASE_URL: emulator.url,
  LINE_DATA_API_BASE_URL: emulator.url,
  DEFAULT_LOCALE: 'th',
});

/** The channel as a deploy of an older volunteer menu left it, with both users linked to that menu. */
async function deployOlderVolunteerMenu(): Promise<string> {
  const i18n = createI18n('th');
  const definitions = buildRichMenuDefinitions(i18n.getFixedT('th'));
  const older = definitions.map((d) =>
    d.key === 'volunteer' ? { ...d, menu: { ...d.menu, chatBarText: 'เมนูเก่า' } } : d,
  );
  const summary = await deployRichMenus(api, older, loadRichMenuImages(definitions));
  const oldVolunteer = summary.menus.find((m) => m.key === 'volunteer')!.richMenuId;
  await api.client.linkRichMenuIdToUsers({ richMenuId: oldVolunteer, userIds: [APPROVED, PENDING] });
  return oldVolunteer;
}

const volunteerMenuId = () =>
  emulator.richMenuState().menus.find((m) => /^needline-volunteer-[0-9a-f]{8}$/.test(m.name))!.richMenuId;

function capture() {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, io: { log: (l: string) => lines.push(l), error: (l: string) => errors.push(l) } };
}

describe('npm run richmenus:deploy', () => {
  it('links only approved volunteers to the replacing volunteer menu when MONGODB_URI is set', async () => {
    const oldVolunteer = await deployOlderVolunteerMenu();
    const out = capture();

    const code = await runRichMenuDeploy({ ...lineEnv(), MONGODB_URI: testDatabaseServer().uri }, out.io, {
      dbName: database.connection.name,
    });

    expect(out.errors).toEqual([]);
    expect(code).toBe(0);
    const newVolunteer = volunteerMenuId();
    expect(newVolunteer).not.toBe(oldVolunteer);
    expect(emulator.richMenuState().menus.map((m) => m.richMenuId)).not.toContain(oldVolunteer);
    expect(emulator.richMenuState().userLinks).toEqual({ [APPROVED]: newVolunteer });
    expect(out.lines.join('\n')).toContain('relinked users: 1');
    expect(out.lines.join('\n')).not.toMatch(/not relinked/);
  });

  it('relinks each replaced per-user menu to the users recorded with it: a surveying volunteer keeps the survey menu', async () => {
    const SURVEYING = 'U3333333333333333333333333333333c';
    await volunteerModels(database.connection).Volunteer.create({
      _id: 'run-surveying',
      lineUserId: SURVEYING,
      status: 'active',
      name: 'นางสาวใจ ดี',
      phone: '0812345679',
      areas: [],
      language: 'th',
      registeredAt: new Date('2026-03-01T03:00:00Z'),
    });
    await menuLinkModel(database.connection).create({
      _id: SURVEYING,
      menu: 'volunteer-survey',
      at: new Date(),
    });
    try {
      const i18n = createI18n('th');
      const definitions = buildRichMenuDefinitions(i18n.getFixedT('th'));
      // Both volunteer menus as an older deploy left them, each user linked to theirs.
      const older = definitions.map((d) =>
        d.isDefault ? d : { ...d, menu: { ...d.menu, chatBarText: 'เมนูเก่า' } },
      );
      const summary = await deployRichMenus(api, older, loadRichMenuImages(definitions));
      const oldId = (key: string) => summary.menus.find((m) => m.key === key)!.richMenuId;
      await api.client.linkRichMenuIdToUser(APPROVED, oldId('volunteer'));
      await api.client.linkRichMenuIdToUser(SURVEYING, oldId('volunteer-survey'));

      const out = capture();
      const code = await runRichMenuDeploy({ ...lineEnv(), MONGODB_URI: testDatabaseServer().uri }, out.io, {
        dbName: database.connection.name,
      });

      expect(out.errors).toEqual([]);
      expect(code).toBe(0);
      const state = emulator.richMenuState();
      expect(state.userLinks).toEqual({
        [APPROVED]: state.aliases['needline-volunteer'],
        [SURVEYING]: state.aliases['needline-volunteer-survey'],
      });
      expect(out.lines.join('\n')).toContain('relinked users: 2');
    } finally {
      await volunteerModels(database.connection).Volunteer.deleteOne({ _id: 'run-surveying' });
      await menuLinkModel(database.connection).deleteOne({ _id: SURVEYING });
    }
  });

  it('deploys as before without MONGODB_URI and says in one line why volunteers were not relinked', async () => {
    const oldVolunteer = await deployOlderVolunteerMenu();
    const out = capture();

    const code = await runRichMenuDeploy(lineEnv(), out.io);

    expect(code).toBe(0);
    expect(volunteerMenuId()).not.toBe(oldVolunteer);
    expect(emulator.richMenuState().userLinks).toEqual({});
    const notice = out.lines.filter((l) => l.startsWith('volunteers not relinked'));
    expect(notice).toHaveLength(1);
    expect(notice[0]).toContain('MONGODB_URI is not set');
  });

  it('changes nothing on the channel when the database cannot be reached', async () => {
    const out = capture();

    const code = await runRichMenuDeploy(
      { ...lineEnv(), MONGODB_URI: 'mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=500' },
      out.io,
    );

    expect(code).toBe(1);
    expect(out.errors.join('\n')).toMatch(/could not connect to MONGODB_URI, nothing deployed/);
    expect(emulator.calls()).toEqual([]);
  });

  it('refuses to run without a channel access token', async () => {
    const out = capture();
    expect(await runRichMenuDeploy({ DEFAULT_LOCALE: 'th' }, out.io)).toBe(2);
    expect(out.errors.join('\n')).toMatch(/LINE_CHANNEL_ACCESS_TOKEN is not set/);
  });
});
