import { createI18n } from '../../src/i18n';
import { startLineEmulator, type LineEmulator, type RecordedCall } from '../../src/line-emulator';
import { createLineApi, type LineApi } from '../../src/line/line-api';
import {
  ALIAS,
  buildRichMenuDefinitions,
  deployRichMenus,
  formatDeploySummary,
  linkVolunteerMenu,
  loadRichMenuImages,
  RichMenuDeployError,
  unlinkVolunteerMenu,
  type RichMenuDefinition,
  type RichMenuImage,
} from '../../src/richmenus';

const VOLUNTEER = 'U1111111111111111111111111111111a';
const OTHER_VOLUNTEER = 'U2222222222222222222222222222222b';

let emulator: LineEmulator;
let api: LineApi;
let definitions: RichMenuDefinition[];
let images: Record<string, RichMenuImage>;

beforeAll(async () => {
  emulator = await startLineEmulator();
  api = createLineApi({
    channelAccessToken: emulator.channelAccessToken,
    apiBaseUrl: emulator.url,
    dataApiBaseUrl: emulator.url,
  });
  const i18n = createI18n('th');
  definitions = buildRichMenuDefinitions(i18n.getFixedT('th'));
  images = loadRichMenuImages(definitions);
});

afterAll(() => emulator.stop());

beforeEach(() => emulator.reset());

/** Calls that change something on the channel. */
const writes = (calls: RecordedCall[]) => calls.filter((c) => c.method !== 'GET');

const withVolunteerChatBar = (chatBarText: string) =>
  definitions.map((d) => (d.key === 'volunteer' ? { ...d, menu: { ...d.menu, chatBarText } } : d));

const idOf = (key: string) => {
  const name = new RegExp(`^needline-${key}-[0-9a-f]{8}$`);
  const menu = emulator.richMenuState().menus.find((m) => name.test(m.name));
  if (!menu) throw new Error(`no ${key} menu`);
  return menu.richMenuId;
};

describe('deployRichMenus', () => {
  it('creates every menu, their images, aliases and the default, and changes nothing when run again', async () => {
    const first = await deployRichMenus(api, definitions, images);

    const state = emulator.richMenuState();
    expect(state.menus.map((m) => m.name).sort()).toEqual([
      expect.stringMatching(/^needline-resident-[0-9a-f]{8}$/),
      expect.stringMatching(/^needline-volunteer-[0-9a-f]{8}$/),
      expect.stringMatching(/^needline-volunteer-survey-[0-9a-f]{8}$/),
    ]);
    expect(Object.keys(state.images).sort()).toEqual(state.menus.map((m) => m.richMenuId).sort());
    expect(state.aliases).toEqual({
      [ALIAS.resident]: idOf('resident'),
      [ALIAS.volunteer]: idOf('volunteer'),
      [ALIAS['volunteer-survey']]: idOf('volunteer-survey'),
    });
    expect(state.defaultId).toBe(idOf('resident'));
    expect(first.menus.map((m) => m.action)).toEqual(['created', 'created', 'created']);
    expect(first.aliases.map((a) => a.action)).toEqual(['created', 'created', 'created']);
    expect(first.defaultMenu).toEqual({ richMenuId: idOf('resident'), changed: true });

    const callsBefore = emulator.calls().length;
    const second = await deployRichMenus(api, definitions, images);
    const secondCalls = emulator.calls().slice(callsBefore);

    expect(writes(secondCalls)).toEqual([]);
    expect(second.menus.map((m) => m.action)).toEqual(['reused', 'reused', 'reused']);
    expect(second.aliases.map((a) => a.action)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect(second.defaultMenu?.changed).toBe(false);
    expect(second.deleted).toEqual([]);
    expect(emulator.richMenuState()).toEqual(state);
    expect(formatDeploySummary(second)).toContain('deleted old menus: none');
  });

  it('replaces a changed menu, moves its alias, deletes the old one and leaves foreign menus alone', async () => {
    await deployRichMenus(api, definitions, images);
    const oldVolunteer = idOf('volunteer');
    const resident = idOf('resident');
    const foreign = await api.client.createRichMenu({
      ...definitions[0]!.menu,
      name: 'campaign-songkran',
    });
    const callsBefore = emulator.calls().length;

    const summary = await deployRichMenus(api, withVolunteerChatBar('อาสาสมัคร'), images);

    const creates = emulator
      .calls()
      .slice(callsBefore)
      .filter((c) => c.method === 'POST' && c.path === '/v2/bot/richmenu');
    expect(creates).toHaveLength(1);
    const state = emulator.richMenuState();
    const newVolunteer = idOf('volunteer');
    expect(newVolunteer).not.toBe(oldVolunteer);
    expect(state.menus.find((m) => m.richMenuId === newVolunteer)?.chatBarText).toBe('อาสาสมัคร');
    expect(state.menus.map((m) => m.richMenuId).sort()).toEqual(
      [resident, newVolunteer, idOf('volunteer-survey'), foreign.richMenuId].sort(),
    );
    expect(state.aliases[ALIAS.volunteer]).toBe(newVolunteer);
    expect(state.aliases[ALIAS.resident]).toBe(resident);
    expect(summary.aliases).toEqual([
      { aliasId: ALIAS.resident, action: 'unchanged' },
      { aliasId: ALIAS.volunteer, action: 'updated' },
      { aliasId: ALIAS['volunteer-survey'], action: 'unchanged' },
    ]);
    expect(summary.deleted.map((d) => d.richMenuId)).toEqual([oldVolunteer]);
    expect(summary.notRelinked).toEqual(['volunteer']);
  });

  it('links the users it is given to a replaced per-user menu before deleting the old one', async () => {
    await deployRichMenus(api, definitions, images);
    await linkVolunteerMenu(api, VOLUNTEER);
    await linkVolunteerMenu(api, OTHER_VOLUNTEER);
    const asked: string[] = [];

    const summary = await deployRichMenus(api, withVolunteerChatBar('อาสาสมัคร'), images, {
      usersToRelink: async (key) => {
        asked.push(key);
        return [VOLUNTEER, OTHER_VOLUNTEER];
      },
    });

    expect(asked).toEqual(['volunteer']);
    expect(summary.relinkedUsers).toBe(2);
    expect(summary.notRelinked).toEqual([]);
    expect(emulator.richMenuState().userLinks).toEqual({
      [VOLUNTEER]: idOf('volunteer'),
      [OTHER_VOLUNTEER]: idOf('volunteer'),
    });
  });

  it('finishes a menu an interrupted run created without its image instead of creating another', async () => {
    const first = await deployRichMenus(api, definitions, images);
    const resident = first.menus.find((m) => m.key === 'resident')!;
    emulator.reset();
    // As if the last run stopped between create and upload.
    const { richMenuId } = await api.client.createRichMenu({ ...definitions[0]!.menu, name: resident.name });
    const callsBefore = emulator.calls().length;

    const summary = await deployRichMenus(api, definitions, images);

    expect(summary.menus.find((m) => m.key === 'resident')).toMatchObject({
      richMenuId,
      action: 'image-uploaded',
    });
    const creates = emulator
      .calls()
      .slice(callsBefore)
      .filter((c) => c.method === 'POST' && c.path === '/v2/bot/richmenu');
    expect(creates).toHaveLength(2); // the volunteer menus only
    expect(emulator.richMenuState().images[richMenuId]).toBeDefined();
  });

  it('refuses an image that does not fit its menu before touching the channel', async () => {
    const wrong = { ...images, volunteer: images.resident! };
    const small = {
      ...definitions[1]!,
      menu: { ...definitions[1]!.menu, size: { width: 2500, height: 843 } },
    };

    await expect(deployRichMenus(api, [definitions[0]!, small], wrong)).rejects.toThrow(RichMenuDeployError);
    await expect(deployRichMenus(api, definitions, { resident: images.resident! })).rejects.toThrow(
      /volunteer: no image/,
    );
    expect(emulator.calls()).toEqual([]);
  });
});

describe('volunteer menu per user', () => {
  it('links the menu the alias points to and unlinks it again', async () => {
    await deployRichMenus(api, definitions, images);

    await expect(linkVolunteerMenu(api, VOLUNTEER)).resolves.toBe(idOf('volunteer'));
    expect(await api.client.getRichMenuIdOfUser(VOLUNTEER)).toEqual({ richMenuId: idOf('volunteer') });
    expect(emulator.richMenuState().userLinks).toEqual({ [VOLUNTEER]: idOf('volunteer') });

    await unlinkVolunteerMenu(api, VOLUNTEER);
    expect(emulator.richMenuState().userLinks).toEqual({});
    // Back on the default: the resident menu.
    expect(emulator.richMenuState().defaultId).toBe(idOf('resident'));
  });

  it('follows the alias to the current menu after a redeploy', async () => {
    await deployRichMenus(api, definitions, images);
    await deployRichMenus(api, withVolunteerChatBar('อาสาสมัคร'), images);

    await linkVolunteerMenu(api, VOLUNTEER);

    const linked = emulator.richMenuState().userLinks[VOLUNTEER];
    expect(emulator.richMenuState().menus.find((m) => m.richMenuId === linked)?.chatBarText).toBe('อาสาสมัคร');
  });
});
