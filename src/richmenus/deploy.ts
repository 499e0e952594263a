import { HTTPFetchError, type messagingApi } from '@line/bot-sdk';
import type { LineApi } from '../line/line-api';
import type { RichMenuDefinition, RichMenuImage } from './definitions';
import { imageProblems } from './image-rules';
import { OWN_MENU_NAME, richMenuName } from './menu-name';

export type DeployOptions = {
  /**
   * Users who must keep a per-user menu when it is replaced (e.g. approved volunteers): LINE drops a
   * user's link when its menu is deleted, so they are linked to the new one first.
   */
  usersToRelink?: (key: string) => Promise<string[]>;
};

export type DeploySummary = {
  menus: { key: string; name: string; richMenuId: string; action: 'reused' | 'created' | 'image-uploaded' }[];
  aliases: { aliasId: string; action: 'unchanged' | 'created' | 'updated' }[];
  defaultMenu: { richMenuId: string; changed: boolean } | null;
  relinkedUsers: number;
  /** Per-user menus replaced with no `usersToRelink`: their users fall back to the default menu. */
  notRelinked: string[];
  deleted: { name: string; richMenuId: string }[];
};

export class RichMenuDeployError extends Error {
  constructor(problems: string[]) {
    super(`rich menus not deployed:\n  - ${problems.join('\n  - ')}`);
    this.name = 'RichMenuDeployError';
  }
}

const BULK_LINK_MAX = 500;

const isNotFound = (error: unknown) => error instanceof HTTPFetchError && error.status === 404;

/**
 * Makes the channel's NeedLine menus match `definitions`, idempotently: a menu whose name (content
 * hash) already exists with its image is reused, so a second run creates nothing. Create and delete
 * are rate limited (100/hour): run it as a command, never at server start.
 */
export async function deployRichMenus(
  api: LineApi,
  definitions: RichMenuDefinition[],
  images: Record<string, RichMenuImage>,
  options: DeployOptions = {},
): Promise<DeploySummary> {
  const problems = definitions.flatMap((definition) => imageProblems(definition, images[definition.key]));
  if (new Set(definitions.map((d) => d.key)).size !== definitions.length)
    problems.push('duplicate menu keys');
  if (definitions.filter((d) => d.isDefault).length > 1) problems.push('more than one default menu');
  if (problems.length > 0) throw new RichMenuDeployError(problems);

  const { richmenus: existing } = await api.call(({ client }) => client.getRichMenuList());
  const summary: DeploySummary = {
    menus: [],
    aliases: [],
    defaultMenu: null,
    relinkedUsers: 0,
    notRelinked: [],
    deleted: [],
  };

  for (const definition of definitions) {
    summary.menus.push(await ensureMenu(api, definition, images[definition.key]!, existing));
  }
  const current = new Map(summary.menus.map((menu) => [menu.key, menu.richMenuId]));

  const { aliases } = await api.call(({ client }) => client.getRichMenuAliasList());
  for (const definition of definitions) {
    summary.aliases.push(await ensureAlias(api, definition.aliasId, current.get(definition.key)!, aliases));
  }

  const defaultDefinition = definitions.find((d) => d.isDefault);
  if (defaultDefinition) {
    const richMenuId = current.get(defaultDefinition.key)!;
    const now = await api
      .call(({ client }) => client.getDefaultRichMenuId())
      .then((answer) => answer.richMenuId)
      .catch((error: unknown) => {
        if (isNotFound(error)) return null;
        throw error;
      });
    if (now !== richMenuId) await api.call(({ client }) => client.setDefaultRichMenu(richMenuId));
    summary.defaultMenu = { richMenuId, changed: now !== richMenuId };
  }

  const currentIds = new Set(current.values());
  const stale = existing.filter((menu) => OWN_MENU_NAME.test(menu.name) && !currentIds.has(menu.richMenuId));

  for (const definition of definitions.filter((d) => !d.isDefault)) {
    const replaced = stale.some((menu) => OWN_MENU_NAME.exec(menu.name)?.[1] === definition.key);
    if (!replaced) continue;
    if (!options.usersToRelink) {
      summary.notRelinked.push(definition.key);
      continue;
    }
    const userIds = await options.usersToRelink(definition.key);
    summary.relinkedUsers += await linkInBulk(api, current.get(definition.key)!, userIds);
  }

  for (const menu of stale) {
    await api.call(({ client }) => client.deleteRichMenu(menu.richMenuId));
    summary.deleted.push({ name: menu.name, richMenuId: menu.richMenuId });
  }
  return summary;
}

async function ensureMenu(
  api: LineApi,
  definition: RichMenuDefinition,
  image: RichMenuImage,
  existing: messagingApi.RichMenuResponse[],
): Promise<DeploySummary['menus'][number]> {
  const name = richMenuName(definition, image);
  const same = existing.filter((menu) => menu.name === name);
  for (const menu of same) {
    if (await hasImage(api, menu.richMenuId)) {
      return { key: definition.key, name, richMenuId: menu.richMenuId, action: 'reused' };
    }
  }
  // A run that stopped between create and upload left the menu without its image: finish it.
  const unfinished = same[0];
  if (unfinished) {
    await upload(api, unfinished.richMenuId, image);
    return { key: definition.key, name, richMenuId: unfinished.richMenuId, action: 'image-uploaded' };
  }
  const { richMenuId } = await api.call(({ client }) => client.createRichMenu({ ...definition.menu, name }));
  await upload(api, richMenuId, image);
  return { key: definition.key, name, richMenuId, action: 'created' };
}

async function hasImage(api: LineApi, richMenuId: string): Promise<boolean> {
  try {
    const stream = await api.call(({ blob }) => blob.getRichMenuImage(richMenuId));
    stream.destroy();
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

async function upload(api: LineApi, richMenuId: string, image: RichMenuImage): Promise<void> {
  const body = new Blob([image.data], { type: image.contentType });
  await api.call(({ blob }) => blob.setRichMenuImage(richMenuId, body));
}

async function ensureAlias(
  api: LineApi,
  aliasId: string,
  richMenuId: string,
  aliases: messagingApi.RichMenuAliasResponse[],
): Promise<DeploySummary['aliases'][number]> {
  const alias = aliases.find((a) => a.richMenuAliasId === aliasId);
  if (alias?.richMenuId === richMenuId) return { aliasId, action: 'unchanged' };
  if (alias) {
    await api.call(({ client }) => client.updateRichMenuAlias(aliasId, { richMenuId }));
    return { aliasId, action: 'updated' };
  }
  await api.call(({ client }) => client.createRichMenuAlias({ richMenuAliasId: aliasId, richMenuId }));
  return { aliasId, action: 'created' };
}

async function linkInBulk(api: LineApi, richMenuId: string, userIds: string[]): Promise<number> {
  for (let start = 0; start < userIds.length; start += BULK_LINK_MAX) {
    const chunk = userIds.slice(start, start + BULK_LINK_MAX);
    await api.call(({ client }) => client.linkRichMenuIdToUsers({ richMenuId, userIds: chunk }));
  }
  return userIds.length;
}

export function formatDeploySummary(summary: DeploySummary): string {
  const lines = [
    ...summary.menus.map((m) => `menu ${m.key}: ${m.action} ${m.name} (${m.richMenuId})`),
    ...summary.aliases.map((a) => `alias ${a.aliasId}: ${a.action}`),
    summary.defaultMenu
      ? `default menu: ${summary.defaultMenu.changed ? 'set to' : 'unchanged'} ${summary.defaultMenu.richMenuId}`
      : 'default menu: none defined',
    ...(summary.relinkedUsers > 0 ? [`relinked users: ${summary.relinkedUsers}`] : []),
    ...summary.notRelinked.map(
      (key) => `warning: users linked to the old ${key} menu now see the default one: link them again`,
    ),
    summary.deleted.length > 0
      ? `deleted old menus: ${summary.deleted.map((d) => d.name).join(', ')}`
      : 'deleted old menus: none',
  ];
  return lines.join('\n');
}
