import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { testDatabaseServer, uniqueDbName } from './helpers/db';

const ROOT = path.join(__dirname, '..');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function startMain(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

async function waitFor(check: () => Promise<boolean>, attempts = 120): Promise<boolean> {
  for (let i = 0; i < attempts; i++) {
    if (await check().catch(() => false)) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

describe('the service process', () => {
  it('refuses a bad PORT and a half-set LINE configuration with one list of problems', async () => {
    const run = startMain({ PORT: 'abc', LINE_CHANNEL_SECRET: '0123456789abcdef0123456789abcdef' });
    expect(await run.exited).toBe(1);
    const text = run.output();
    expect(text).toContain('NeedLine cannot start');
    expect(text).toMatch(/PORT must be a whole number/);
    expect(text).toMatch(/LINE_CHANNEL_ACCESS_TOKEN is missing/);
    expect(text).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('serves health and readiness, then stops cleanly on SIGTERM with exit code 0', async () => {
    const port = await freePort();
    const uri = new URL(testDatabaseServer().uri);
    uri.pathname = `/${uniqueDbName('process')}`;
    const run = startMain({
      PORT: String(port),
      MONGODB_URI: uri.toString(),
      NEEDLINE_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'needline-')),
    });
    const base = `http://127.0.0.1:${port}`;
    const up = await waitFor(async () => (await fetch(`${base}/readyz`)).status === 200);
    expect({ up, output: up ? '' : run.output() }).toEqual({ up: true, output: '' });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);

    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(run.output()).toContain('stopped cleanly');
  });
});
