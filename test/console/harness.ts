import { existsSync, mkdirSync } from 'node:fs';
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express, { type Router } from 'express';
import { chromium, type Browser } from 'playwright-core';
import { broadcastRouter } from '../../src/broadcasts';
import { caseApiRouter } from '../../src/case-api/router';
import { registerModels } from '../../src/models';
import { parseConfig } from '../../src/config';
import { consoleRouter } from '../../src/console/router';
import { createErrorSink } from '../../src/errors';
import { ApiRegistry } from '../../src/http/openapi';
import { createLineApi } from '../../src/line/line-api';
import { startService } from '../../src/service';
import type { SandboxService } from '../e2e/harness';
import { testDatabaseServer, uniqueDbName } from '../helpers/db';
import { testLogger } from '../helpers/logger';

export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts', 'console');
export const hasChromium = existsSync(CHROMIUM);

export type ConsoleHarness = {
  service: SandboxService;
  /** Where the browser goes: /console and the whole API. */
  url: string;
  admin: { email: string; password: string };
  stop(): Promise<void>;
};

const listen = (app: express.Express): Promise<Server> =>
  new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve(server));
  });

/** Everything the front does not answer goes to the service unchanged (body streamed through). */
function proxyTo(target: string): express.RequestHandler {
  const { hostname, port } = new URL(target);
  return (req, res) => {
    const upstream = http.request(
      { hostname, port, path: req.originalUrl, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.status(502).end());
    req.pipe(upstream);
  };
}

/**
 * The real service in sandbox mode, fronted by an app that serves the console and, until the
 * service mounts them itself, the case and broadcast APIs on the service's own database, sender and
 * emulator; every other request goes to the service.
 */
export async function startConsoleHarness(label: string): Promise<ConsoleHarness> {
  const parsed = parseConfig({});
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  const service = (await startService({
    config: parsed.config,
    logger: testLogger,
    port: 0,
    jobs: false,
    databaseServer: testDatabaseServer(),
    dbName: uniqueDbName(label),
  })) as SandboxService;
  if (!service.sandbox?.admin) throw new Error('expected sandbox mode with a generated admin');

  const documented = (await (await fetch(`${service.url}/api/openapi.json`)).json()) as {
    paths: Record<string, unknown>;
  };
  const connection = service.database.connection;
  const api = new ApiRegistry();
  const routers: Router[] = [consoleRouter({ notifyCoalesceMinutes: parsed.config.NOTIFY_COALESCE_MINUTES })];
  if (!documented.paths['/api/cases']) {
    registerModels(connection);
    routers.push(
      caseApiRouter({
        connection,
        sender: service.sender,
        logger: testLogger,
        reportError: createErrorSink(testLogger),
        api,
      }),
    );
  }
  if (!documented.paths['/api/broadcasts']) {
    const emulator = service.sandbox.emulator;
    routers.push(
      broadcastRouter({
        connection,
        api,
        lineApi: createLineApi({
          channelAccessToken: emulator.channelAccessToken,
          apiBaseUrl: emulator.url,
          dataApiBaseUrl: emulator.url,
        }),
        logger: testLogger,
      }),
    );
  }
  await service.database.ensureIndexes();

  const front = express();
  // The console asks the API which routes exist: merge what the front adds into the service's list.
  front.get('/api/openapi.json', async (_req, res) => {
    const doc = (await (await fetch(`${service.url}/api/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
    };
    res.json({
      ...doc,
      paths: {
        ...doc.paths,
        ...(api.document({ title: 'front', version: '0' }) as { paths: Record<string, unknown> }).paths,
      },
    });
  });
  for (const router of routers) front.use(router);
  front.use(proxyTo(service.url));
  const server = await listen(front);
  return {
    service,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    admin: service.sandbox.admin,
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await service.database.connection.dropDatabase().catch(() => undefined);
      await service.stop();
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
}

/** Waits for a condition outside the browser; fails with `what` after 15 s. */
export async function until<T>(probe: () => T | Promise<T>, what: string): Promise<NonNullable<T>> {
  for (let waited = 0; ; waited += 100) {
    const value = await probe();
    if (value) return value;
    if (waited > 15_000) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
