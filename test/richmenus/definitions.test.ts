import { statSync } from 'node:fs';
import { allFlows } from '../../flows';
import { createI18n } from '../../src/i18n';
import { checkRichMenu, inspectImage, RICH_MENU_LIMITS } from '../../src/line-emulator';
import {
  ALIAS,
  buildRichMenuDefinitions,
  loadRichMenuImages,
  MENU_LAYOUTS,
  type RichMenuDefinition,
} from '../../src/richmenus';
import { imagePath } from '../../src/richmenus/definitions';
import { richMenuName } from '../../src/richmenus/menu-name';
import { SURVEY_START } from '../../src/conversation/postback';

/** Flows not built yet: the engine answers with the menu until they are. */
const PLANNED_FLOWS = ['area-cases'];

let definitions: RichMenuDefinition[];
let i18n: Awaited<ReturnType<typeof createI18n>>;

beforeAll(async () => {
  i18n = createI18n('th');
  definitions = buildRichMenuDefinitions(i18n.getFixedT('th'));
});

const postbackData = (definition: RichMenuDefinition) =>
  definition.menu.areas.flatMap((area) => (area.action?.type === 'postback' ? [area.action.data] : []));

describe('rich menu definitions', () => {
  it('are menus LINE accepts', () => {
    for (const definition of definitions) {
      expect(checkRichMenu({ ...definition.menu, name: 'needline-x-00000000' })).toEqual([]);
    }
  });

  it('keep the chat bar text within 14 characters in every language', () => {
    for (const language of ['th', 'en', 'hmn']) {
      const t = i18n.getFixedT(language);
      for (const layout of MENU_LAYOUTS) {
        const text = t(layout.chatBar);
        expect(text).not.toBe(layout.chatBar.replace('richmenu:', ''));
        expect(text.length).toBeGreaterThan(0);
        expect(text.length).toBeLessThanOrEqual(RICH_MENU_LIMITS.chatBarText);
      }
    }
  });

  it('have a label in every language for every tile', () => {
    for (const language of ['th', 'en', 'hmn']) {
      for (const layout of MENU_LAYOUTS) {
        for (const tile of layout.tiles) {
          expect(i18n.exists(tile.label, { lng: language, fallbackLng: false })).toBe(true);
        }
      }
    }
  });

  it('cover the whole image with tiles that do not overlap', () => {
    for (const layout of MENU_LAYOUTS) {
      const covered = layout.tiles.reduce((sum, { bounds }) => sum + bounds.width * bounds.height, 0);
      expect(covered).toBe(layout.size.width * layout.size.height);
      for (const [i, a] of layout.tiles.entries()) {
        for (const b of layout.tiles.slice(i + 1)) {
          const apart =
            a.bounds.x + a.bounds.width <= b.bounds.x ||
            b.bounds.x + b.bounds.width <= a.bounds.x ||
            a.bounds.y + a.bounds.height <= b.bounds.y ||
            b.bounds.y + b.bounds.height <= a.bounds.y;
          expect(apart).toBe(true);
        }
      }
    }
  });

  it('start flows the engine knows (or plans)', () => {
    const known = new Set([
      SURVEY_START,
      ...allFlows.map((flow) => `flow:${flow.id}`),
      ...PLANNED_FLOWS.map((id) => `flow:${id}`),
    ]);
    for (const definition of definitions) {
      for (const data of postbackData(definition)) expect(known).toContain(data);
    }
    const resident = definitions.find((d) => d.key === 'resident')!;
    expect(postbackData(resident)).toEqual([
      'flow:report-need',
      'flow:my-cases',
      'flow:talk-to-staff',
      'flow:language',
      'flow:my-data',
    ]);
    // The survey variant is the volunteer menu with "Survey a household" first.
    const volunteer = postbackData(definitions.find((d) => d.key === 'volunteer')!);
    expect(postbackData(definitions.find((d) => d.key === 'volunteer-survey')!)).toEqual([
      SURVEY_START,
      ...volunteer,
    ]);
  });

  it('let volunteers switch to the resident menu, and residents never to the volunteer one', () => {
    const switches = (key: string) =>
      definitions
        .find((d) => d.key === key)!
        .menu.areas.flatMap((area) =>
          area.action?.type === 'richmenuswitch' ? [area.action.richMenuAliasId] : [],
        );
    expect(switches('volunteer')).toEqual([ALIAS.resident]);
    expect(switches('volunteer-survey')).toEqual([ALIAS.resident]);
    expect(switches('resident')).toEqual([]);
    for (const aliasId of Object.values(ALIAS)) expect(aliasId).toMatch(RICH_MENU_LIMITS.aliasId);
  });
});

describe('committed rich menu images', () => {
  it('are PNGs of the menu size within LINE limits', () => {
    const images = loadRichMenuImages(definitions);
    for (const definition of definitions) {
      const image = images[definition.key]!;
      const info = inspectImage(image.data);
      expect(info).toEqual({ format: 'png', ...definition.menu.size });
      expect(statSync(imagePath(definition.key)).size).toBeLessThanOrEqual(RICH_MENU_LIMITS.imageBytes);
      expect(info!.width).toBeGreaterThanOrEqual(RICH_MENU_LIMITS.minWidth);
      expect(info!.width).toBeLessThanOrEqual(RICH_MENU_LIMITS.maxWidth);
      expect(info!.height).toBeGreaterThanOrEqual(RICH_MENU_LIMITS.minHeight);
      expect(info!.width / info!.height).toBeGreaterThanOrEqual(RICH_MENU_LIMITS.minAspectRatio);
    }
  });

  it('name each menu by a hash of its content and image', () => {
    const images = loadRichMenuImages(definitions);
    const [resident] = definitions;
    const name = richMenuName(resident!, images.resident!);
    expect(name).toMatch(/^needline-resident-[0-9a-f]{8}$/);
    expect(richMenuName({ ...resident!, menu: { ...resident!.menu } }, images.resident!)).toBe(name);
    expect(richMenuName(resident!, images.volunteer!)).not.toBe(name);
    expect(
      richMenuName({ ...resident!, menu: { ...resident!.menu, selected: false } }, images.resident!),
    ).not.toBe(name);
  });
});
