import type { Connection } from 'mongoose';
import type { LineApi } from '../line/line-api';
import type { Logger } from '../logger';
import { recordedMenu, showMenu, usersShown, type MenuKey } from '../richmenus';
import { activeVolunteer } from '../volunteers';
import { menuFor } from './menu-choice';
import { bangkokDay, campaignModels, type CampaignDoc } from './model';

export type MenuSyncDeps = { connection: Connection; lineApi: LineApi; logger?: Logger };

export type MenuChange = 'unchanged' | MenuKey;

/**
 * Gives one person the menu `menuFor` chooses, idempotently: LINE is called only when the menu
 * recorded for them differs (or `force`, for a staff decision that must take effect whatever was
 * recorded). Nothing recorded and the default menu wanted: NeedLine never linked them anything.
 */
export async function reconcileMenu(
  deps: MenuSyncDeps,
  lineUserId: string,
  now: Date,
  options: { force?: boolean } = {},
): Promise<MenuChange> {
  const volunteer = (await activeVolunteer(deps.connection, lineUserId)) !== null;
  const campaigns = volunteer
    ? await campaignModels(deps.connection)
        .Campaign.find({ 'volunteers.lineUserId': lineUserId }, { startsOn: 1, endsOn: 1 })
        .lean<Pick<CampaignDoc, 'startsOn' | 'endsOn'>[]>()
    : [];
  const wanted = menuFor({ volunteer, campaigns }, now);
  const current = await recordedMenu(deps.connection, lineUserId);
  if (!options.force && (current === wanted || (current === null && wanted === 'resident')))
    return 'unchanged';
  await showMenu(deps, lineUserId, wanted, now);
  return wanted;
}

export type MenuSyncSummary = { checked: number; changed: number; failed: number };

/**
 * Reconciles several people; one failure (LINE down) does not stop the others, and is left for the
 * next run (the record still says the old menu). Counts only: no LINE ids in the logs.
 */
export async function reconcileMenus(
  deps: MenuSyncDeps,
  lineUserIds: Iterable<string>,
  now: Date,
): Promise<MenuSyncSummary> {
  const summary: MenuSyncSummary = { checked: 0, changed: 0, failed: 0 };
  for (const lineUserId of new Set(lineUserIds)) {
    summary.checked++;
    try {
      if ((await reconcileMenu(deps, lineUserId, now)) !== 'unchanged') summary.changed++;
    } catch (error) {
      summary.failed++;
      deps.logger?.warn(
        { err: String(error).slice(0, 200) },
        'a rich menu link failed; the next run retries',
      );
    }
  }
  return summary;
}

/** How far back a campaign that ended is still looked at: its volunteers lose the survey tile. */
const ENDED_DAYS = 3;

/**
 * The `campaign-menus` job: at the turn of the Bangkok day campaigns start and end, so their
 * volunteers get or lose "Survey a household". Looks at the volunteers of campaigns not ended more
 * than a few days ago and everyone recorded with the survey menu (a volunteer taken off a campaign).
 */
export async function syncCampaignMenus(deps: MenuSyncDeps, now: Date): Promise<MenuSyncSummary> {
  const since = bangkokDay(new Date(now.getTime() - ENDED_DAYS * 24 * 3600_000));
  const recent = await campaignModels(deps.connection)
    .Campaign.find({ endsOn: { $gte: since } }, { volunteers: 1 })
    .lean<Pick<CampaignDoc, 'volunteers'>[]>();
  const users = [
    ...recent.flatMap((campaign) => campaign.volunteers.map((v) => v.lineUserId)),
    ...(await usersShown(deps.connection, 'volunteer-survey')),
  ];
  return reconcileMenus(deps, users, now);
}
