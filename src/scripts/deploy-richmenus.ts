import { existsSync } from 'node:fs';
import { runRichMenuDeploy } from './richmenus-deploy-command';

/** `npm run richmenus:deploy`: see `runRichMenuDeploy`. */
if (existsSync('.env')) process.loadEnvFile('.env');
runRichMenuDeploy(process.env, { log: console.log, error: console.error }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  },
);
