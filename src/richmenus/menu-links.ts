import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../db/models';
import type { LineApi } from '../line/line-api';
import { ALIAS, MENU_KEYS, type MenuKey } from './layouts';
import { richMenuIdOfAlias } from './volunteer-menu';

/**
 * Which menu NeedLine last linked to a user (resident: none, the default). The reconcile compares with
 * it, so LINE is called only when a user's menu must change; a deploy that replaces a per-user menu
 * relinks exactly the users recorded here; the sandbox restores the links from it. One document per
 * LINE user who was ever linked, erased with the person's data.
 */
export type MenuLinkDoc = { _id: string; menu: MenuKey; at: Date };

const menuLinkSchema = new Schema<MenuLinkDoc>(
  {
    _id: { type: String, required: true },
    menu: { type: String, enum: MENU_KEYS, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'rich_menu_links', versionKey: false },
);
menuLinkSchema.index({ menu: 1 });

export function menuLinkModel(connection: Connection): Model<MenuLinkDoc> {
  return modelOn(connection, 'RichMenuLink', menuLinkSchema);
}

/** The menu recorded for a user; null when nothing is recorded (linked before the record existed, or never). */
export async function recordedMenu(connection: Connection, lineUserId: string): Promise<MenuKey | null> {
  const found = await menuLinkModel(connection).findById(lineUserId, { menu: 1 }).lean<MenuLinkDoc>();
  return found?.menu ?? null;
}

/** Links `menu` to the user on LINE (resident: unlinks, back to the default), then records it. */
export async function showMenu(
  deps: { connection: Connection; lineApi: LineApi },
  lineUserId: string,
  menu: MenuKey,
  at: Date,
): Promise<void> {
  if (menu === 'resident')
    await deps.lineApi.call(({ client }) => client.unlinkRichMenuIdFromUser(lineUserId));
  else {
    const richMenuId = await richMenuIdOfAlias(deps.lineApi, ALIAS[menu]);
    await deps.lineApi.call(({ client }) => client.linkRichMenuIdToUser(lineUserId, richMenuId));
  }
  await menuLinkModel(deps.connection).updateOne(
    { _id: lineUserId },
    { $set: { menu, at } },
    { upsert: true },
  );
}

/** Users recorded with this menu (a deploy relinks them when it replaces the menu). */
export async function usersShown(connection: Connection, menu: MenuKey): Promise<string[]> {
  return menuLinkModel(connection).distinct('_id', { menu });
}

/** Erasure: the record goes with the person (LINE's own link is removed by the caller). */
export async function forgetMenuLink(connection: Connection, lineUserId: string): Promise<void> {
  await menuLinkModel(connection).deleteOne({ _id: lineUserId });
}
