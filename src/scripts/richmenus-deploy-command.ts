import { HTTPFetchError } from '@line/bot-sdk';
import type { Connection } from 'mongoose';
import { envSchema } from '../config';
import { connectDatabase, type Database } from '../db/connection';
import { createI18n } from '../i18n';
import { createLineApi } from '../line/line-api';
import { activeVolunteerUserIds } from '../volunteers/area-cases';
import { buildRichMenuDefinitions, loadRichMenuImages } from '../richmenus/definitions';
import { deployRichMenus, formatDeploySummary, type DeployOptions } from '../richmenus/deploy';
import { usersShown } from '../richmenus/menu-links';

/**
 * Who keeps each per-user menu when a deploy replaces it, read from the database: the users recorded
 * with it; for the volunteer menu also approved volunteers linked before links were recorded.
 */
const MENU_HOLDERS: Record<string, (connection: Connection) => Promise<string[]>> = {
  volunteer: async (connection) => {
    const elsewhere = new Set([
      ...(await usersShown(connection, 'volunteer-survey')),
      ...(await usersShown(connection, 'resident')),
    ]);
    const approved = (await activeVolunteerUserIds(connection)).filter((id) => !elsewhere.has(id));
    return [...new Set([...(await usersShown(connection, 'volunteer')), ...approved])];
  },
  'volunteer-survey': (connection) => usersShown(connection, 'volunteer-survey'),
};

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export type DeployCommandIo = { log: (line: string) => void; error: (line: string) => void };

export type DeployCommandOptions = {
  /** Database name, as `startService`'s: unset in production (the one in MONGODB_URI); tests give their own. */
  dbName?: string;
};

function relinkFrom(connection: Connection): NonNullable<DeployOptions['usersToRelink']> {
  return async (key) => {
    const holders = MENU_HOLDERS[key];
    // Stops before the old menu is deleted, so its users keep it until this is fixed and run again.
    if (!holders)
      throw new Error(`no query for the users of the per-user menu "${key}": add one to MENU_HOLDERS`);
    return holders(connection);
  };
}

/**
 * `npm run richmenus:deploy`: creates or updates NeedLine's rich menus on the channel in
 * LINE_CHANNEL_ACCESS_TOKEN (or an emulator at LINE_API_BASE_URL). Safe to run again. With
 * MONGODB_URI, approved volunteers are linked to a replaced volunteer menu before the old one is
 * deleted (LINE drops their link with it). Returns the process exit code.
 */
export async function runRichMenuDeploy(
  rawEnv: NodeJS.ProcessEnv,
  io: DeployCommandIo,
  options: DeployCommandOptions = {},
): Promise<number> {
  const parsed = envSchema
    .pick({
      LINE_CHANNEL_ACCESS_TOKEN: true,
      LINE_API_BASE_URL: true,
      LINE_DATA_API_BASE_URL: true,
      DEFAULT_LOCALE: true,
      MONGODB_URI: true,
    })
    .safeParse(rawEnv);
  if (!parsed.success) {
    io.error(parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('\n'));
    return 2;
  }
  const env = parsed.data;
  if (!env.LINE_CHANNEL_ACCESS_TOKEN) {
    io.error('LINE_CHANNEL_ACCESS_TOKEN is not set: the rich menus go to a LINE channel (or an emulator)');
    return 2;
  }
  const i18n = createI18n(env.DEFAULT_LOCALE);
  const definitions = buildRichMenuDefinitions(i18n.getFixedT(env.DEFAULT_LOCALE));
  const api = createLineApi({
    channelAccessToken: env.LINE_CHANNEL_ACCESS_TOKEN,
    apiBaseUrl: env.LINE_API_BASE_URL,
    dataApiBaseUrl: env.LINE_DATA_API_BASE_URL,
  });

  // Connected before the channel is touched: a wrong URI fails with nothing changed.
  let database: Database | undefined;
  if (env.MONGODB_URI) {
    try {
      database = await connectDatabase(env.MONGODB_URI, options.dbName);
    } catch (error) {
      io.error(`could not connect to MONGODB_URI, nothing deployed: ${messageOf(error)}`);
      return 1;
    }
  } else
    io.log(
      'volunteers not relinked: MONGODB_URI is not set, so this command cannot read who is approved ' +
        '(if the volunteer menu is replaced, approved volunteers see the resident menu until linked again)',
    );
  try {
    const summary = await deployRichMenus(
      api,
      definitions,
      loadRichMenuImages(definitions),
      database ? { usersToRelink: relinkFrom(database.connection) } : {},
    );
    io.log(`Rich menus deployed to ${env.LINE_API_BASE_URL}:\n${formatDeploySummary(summary)}`);
    return 0;
  } catch (error) {
    // LINE's answer body says which property it refused.
    const detail = error instanceof HTTPFetchError ? ` (${error.status}: ${error.body})` : '';
    io.error(`${messageOf(error)}${detail}`);
    return 1;
  } finally {
    await database?.close();
  }
}
