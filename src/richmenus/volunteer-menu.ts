import type { LineApi } from '../line/line-api';
import { ALIAS } from './layouts';

/** The menu an alias points to now: the alias, not a stored id, survives a redeploy of the menus. */
export async function richMenuIdOfAlias(api: LineApi, aliasId: string): Promise<string> {
  const { richMenuId } = await api.call(({ client }) => client.getRichMenuAlias(aliasId));
  return richMenuId;
}

/** Shows the volunteer menu to one user at once (a per-user link beats the default menu). */
export async function linkVolunteerMenu(api: LineApi, userId: string): Promise<string> {
  const richMenuId = await richMenuIdOfAlias(api, ALIAS.volunteer);
  await api.call(({ client }) => client.linkRichMenuIdToUser(userId, richMenuId));
  return richMenuId;
}

/** Back to the default (resident) menu. */
export async function unlinkVolunteerMenu(api: LineApi, userId: string): Promise<void> {
  await api.call(({ client }) => client.unlinkRichMenuIdFromUser(userId));
}
