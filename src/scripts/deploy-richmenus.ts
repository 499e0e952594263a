import { existsSync } from 'node:fs';
import { HTTPFetchError } from '@line/bot-sdk';
import { envSchema } from '../config';
import { createI18n } from '../i18n';
import { createLineApi } from '../line/line-api';
import {
  buildRichMenuDefinitions,
  deployRichMenus,
  formatDeploySummary,
  loadRichMenuImages,
} from '../richmenus';

/**
 * `npm run richmenus:deploy`: creates or updates NeedLine's rich menus on the channel in
 * LINE_CHANNEL_ACCESS_TOKEN (or an emulator at LINE_API_BASE_URL). Safe to run again.
 */
async function main(): Promise<number> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const parsed = envSchema
    .pick({
      LINE_CHANNEL_ACCESS_TOKEN: true,
      LINE_API_BASE_URL: true,
      LINE_DATA_API_BASE_URL: true,
      DEFAULT_LOCALE: true,
    })
    .safeParse(process.env);
  if (!parsed.success) {
    console.error(parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('\n'));
    return 2;
  }
  const env = parsed.data;
  if (!env.LINE_CHANNEL_ACCESS_TOKEN) {
    console.error(
      'LINE_CHANNEL_ACCESS_TOKEN is not set: the rich menus go to a LINE channel (or an emulator)',
    );
    return 2;
  }
  const i18n = await createI18n(env.DEFAULT_LOCALE);
  const definitions = buildRichMenuDefinitions(i18n.getFixedT(env.DEFAULT_LOCALE));
  const api = createLineApi({
    channelAccessToken: env.LINE_CHANNEL_ACCESS_TOKEN,
    apiBaseUrl: env.LINE_API_BASE_URL,
    dataApiBaseUrl: env.LINE_DATA_API_BASE_URL,
  });
  const summary = await deployRichMenus(api, definitions, loadRichMenuImages(definitions));
  console.log(`Rich menus deployed to ${env.LINE_API_BASE_URL}:\n${formatDeploySummary(summary)}`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // LINE's answer body says which property it refused.
    const detail = error instanceof HTTPFetchError ? ` (${error.status}: ${error.body})` : '';
    console.error(`${error instanceof Error ? error.message : String(error)}${detail}`);
    process.exitCode = 1;
  },
);
