import { existsSync } from 'node:fs';
import { runDemoCommand } from '../demo/demo-command';

/** `npm run demo` and `npm run demo -- --remove`: see `runDemoCommand`. */
if (existsSync('.env')) process.loadEnvFile('.env');
runDemoCommand(process.env, process.argv.slice(2), { log: console.log, error: console.error }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  },
);
