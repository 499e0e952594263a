import type { TFunction } from 'i18next';
import { z } from 'zod';
import type { RichMenuState } from '../line-emulator/types';
import { MENU_LAYOUTS } from '../richmenus';
import { OWN_MENU_NAME } from '../richmenus/menu-name';

const boundsSchema = z.object({ x: z.number(), y: z.number(), width: z.number(), height: z.number() });
const areaSchema = z.object({
  bounds: boundsSchema,
  action: z.looseObject({ type: z.string(), label: z.string().optional() }),
});

type Bounds = z.infer<typeof boundsSchema>;

export type RichMenuArea = z.infer<typeof areaSchema> & {
  /** What a screen reader says for the area (LINE speaks the action's label). */
  label: string;
};

/** What the chat page needs to draw a user's rich menu as the LINE app does. */
export type RichMenuView = {
  richMenuId: string;
  size: { width: number; height: number };
  chatBarText: string;
  /** LINE opens the menu at first when `selected`. */
  selected: boolean;
  areas: RichMenuArea[];
  imageUrl: string;
};

export const richMenuImageUrl = (richMenuId: string) => `/sandbox/api/richmenus/${richMenuId}/image`;

/** The menu LINE shows a user: their own link, else the default; none until it has its image. */
export function shownRichMenuId(
  state: Pick<RichMenuState, 'userLinks' | 'defaultId' | 'images'>,
  userId: string,
): string | null {
  const richMenuId = state.userLinks[userId] ?? state.defaultId;
  return richMenuId && state.images[richMenuId] ? richMenuId : null;
}

/**
 * The user's menu with a spoken label for every area: the action's `label` when it has one, else
 * the words NeedLine draws on that tile (in `t`'s language), else its position.
 */
export function richMenuView(state: RichMenuState, userId: string, t: TFunction): RichMenuView | null {
  const richMenuId = shownRichMenuId(state, userId);
  const menu = state.menus.find((candidate) => candidate.richMenuId === richMenuId);
  if (!richMenuId || !menu) return null;
  const areas = menu.areas.flatMap((raw) => {
    const parsed = areaSchema.safeParse(raw);
    return parsed.success ? [parsed.data] : [];
  });
  return {
    richMenuId,
    size: menu.size,
    chatBarText: menu.chatBarText,
    selected: menu.selected,
    areas: areas.map((area, index) => ({
      ...area,
      label:
        area.action.label?.trim() ||
        tileLabel(menu.name, area.bounds, t) ||
        t('sandbox:richMenu.area', { number: index + 1 }),
    })),
    imageUrl: richMenuImageUrl(richMenuId),
  };
}

/** The label drawn on NeedLine's own tile at these bounds, for menus the deploy named `needline-<key>-…`. */
function tileLabel(menuName: string, bounds: Bounds, t: TFunction): string | undefined {
  const key = OWN_MENU_NAME.exec(menuName)?.[1];
  const tile = MENU_LAYOUTS.find((layout) => layout.key === key)?.tiles.find(
    (candidate) =>
      candidate.bounds.x === bounds.x &&
      candidate.bounds.y === bounds.y &&
      candidate.bounds.width === bounds.width &&
      candidate.bounds.height === bounds.height,
  );
  return tile ? t(tile.label) : undefined;
}
