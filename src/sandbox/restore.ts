import type { Connection } from 'mongoose';
import { lineModels } from '../line/models';
import type { LineApi } from '../line/line-api';
import type { LineEmulator } from '../line-emulator/types';
import { ALIAS, richMenuIdOfAlias, usersShown } from '../richmenus';
import { activeVolunteerUserIds } from '../volunteers/area-cases';
import { SANDBOX_USERS } from './users';

/** Where a simulated user stands with the account; absent: never followed. */
export type Friendship = 'friend' | 'blocked';

const BULK_LINK_MAX = 500;

/**
 * The emulator starts empty at every start; the database remembers. Tells the emulator which
 * simulated users follow or block the account, and links approved volunteers to the volunteer menu
 * again (the deploy at start relinks only a replaced menu, and a fresh emulator has no links).
 * Returns each known simulated user's friendship, for the page's "Add friend" button.
 */
export async function restoreSandboxUsers(deps: {
  emulator: LineEmulator;
  connection: Connection;
  lineApi: LineApi;
}): Promise<Map<string, Friendship>> {
  const { emulator, connection, lineApi } = deps;
  const known = await lineModels(connection)
    .LineUser.find({ _id: { $in: SANDBOX_USERS.map((user) => user.userId) } }, { followed: 1 })
    .lean();
  const friendship = new Map<string, Friendship>();
  for (const user of known) {
    friendship.set(user._id, user.followed ? 'friend' : 'blocked');
    emulator.setBlocked(user._id, !user.followed);
  }

  // Each user's recorded menu (src/richmenus/menu-links.ts); approved volunteers with no record, the volunteer one.
  const surveying = await usersShown(connection, 'volunteer-survey');
  const resident = new Set(await usersShown(connection, 'resident'));
  const volunteers = (await activeVolunteerUserIds(connection)).filter(
    (id) => !surveying.includes(id) && !resident.has(id),
  );
  for (const [aliasId, users] of [
    [ALIAS.volunteer, volunteers],
    [ALIAS['volunteer-survey'], surveying],
  ] as const) {
    if (users.length === 0) continue;
    const richMenuId = await richMenuIdOfAlias(lineApi, aliasId);
    for (let start = 0; start < users.length; start += BULK_LINK_MAX) {
      const userIds = users.slice(start, start + BULK_LINK_MAX);
      await lineApi.call(({ client }) => client.linkRichMenuIdToUsers({ richMenuId, userIds }));
    }
  }
  return friendship;
}
