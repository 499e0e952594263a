import { existsSync } from 'node:fs';
import { formatProblems, parseConfig } from './config';
import { createLogger } from './logger';
import { startService, type Service } from './service';

const SHUTDOWN_LIMIT_MS = 10_000;

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const parsed = parseConfig(process.env);
  if (!parsed.ok) {
    console.error(formatProblems(parsed.problems));
    process.exit(1);
  }
  const { config } = parsed;
  const logger = createLogger(config.LOG_LEVEL);

  let service: Service;
  try {
    service = await startService({
      config,
      logger,
      // Restarting ourselves is the supervisor's job (Docker, systemd): exit so it happens.
      onDatabaseFatal: (error) => {
        logger.fatal({ err: error }, 'the embedded database is gone; exiting');
        process.exit(1);
      },
    });
  } catch (error) {
    console.error(`NeedLine could not start.\n${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }

  const base = `http://localhost:${config.PORT}`;
  logger.info(
    { lineMode: config.lineMode, databaseMode: config.databaseMode },
    config.lineMode === 'sandbox'
      ? 'sandbox mode: no LINE credentials, so NeedLine talks to its built-in LINE emulator'
      : 'LINE mode: connected to a real LINE channel',
  );
  printWelcome(base, service);

  let shuttingDown = false;
  const shutdown = (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ signal }, 'shutting down');
    const hardStop = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_LIMIT_MS);
    hardStop.unref();
    service.stop().then(
      () => {
        logger.info('stopped cleanly');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

function printWelcome(base: string, service: Service): void {
  const lines = [
    '',
    `  NeedLine is running at ${base}`,
    `    health:    ${base}/healthz   readiness: ${base}/readyz`,
  ];
  lines.push(`    staff console: ${base}/console`);
  lines.push(`    staff API: ${base}/api (described at ${base}/api/openapi.json)`);
  lines.push(`    public page: ${base}/public`);
  if (service.sandbox) {
    lines.push(
      '',
      '  Sandbox mode (no LINE credentials): chat with the bot as a simulated LINE user at',
      `    ${base}/sandbox`,
    );
    if (service.sandbox.admin) {
      lines.push(
        `  Sandbox staff login for ${base}/console: ${service.sandbox.admin.email} / ${service.sandbox.admin.password}`,
        '    (kept in the data folder; set ADMIN_EMAIL and ADMIN_PASSWORD for a real deployment)',
      );
    }
    lines.push(
      '  An empty sandbox? Fill it with demo data: npm run demo (remove it: npm run demo -- --remove)',
    );
  } else {
    lines.push(`    LINE webhook URL to set in the LINE Developers console: <PUBLIC_BASE_URL>/webhook`);
  }
  lines.push('');
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
