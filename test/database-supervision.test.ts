import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startLineEmulator, type LineEmulator } from '../src/line-emulator';
import { buildEvent, newUserId, postWebhook } from '../src/line-emulator/webhook-client';

const ROOT = path.join(__dirname, '..');
const SECRET = '0123456789abcdef0123456789abcdef';
const TOKEN = 'supervision-channel-access-token';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A data directory of its own that reuses the FerretDB the test setup built (no second Go build). */
function dataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'nl-supervise-'));
  symlinkSync(path.join(ROOT, '.data', 'test', 'bin'), path.join(dir, 'bin'));
  writeFileSync(path.join(dir, 'mongod-unavailable'), 'not on this network');
  return dir;
}

/** The embedded database process the service started (its only child named ferretdb-…). */
function ferretDbChild(parent: number): { pid: number; port: number } {
  const lines = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(parent)], {
    encoding: 'utf8',
  }).split('\n');
  const line = lines.find((l) => /ferretdb-/.test(l));
  if (!line) throw new Error(`no embedded database under ${parent}:\n${lines.join('\n')}`);
  const [pid] = line.trim().split(/\s+/);
  const port = Number(/127\.0\.0\.1:(\d+)/.exec(line)?.[1]);
  return { pid: Number(pid), port };
}

describe('the embedded database, supervised', () => {
  let emulator: LineEmulator;
  let service: ChildProcess | undefined;
  let output = '';
  let base = '';
  let exited: Promise<number | null> = Promise.resolve(null);

  beforeAll(async () => {
    emulator = await startLineEmulator({ channelAccessToken: TOKEN });
  });
  afterEach(async () => {
    if (service && service.exitCode === null) {
      service.kill('SIGTERM');
      await exited;
    }
  });
  afterAll(() => emulator.stop());

  async function start(): Promise<void> {
    const port = await freePort();
    output = '';
    service = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        GOTOOLCHAIN: 'local',
        PORT: String(port),
        NEEDLINE_DATA_DIR: dataDir(),
        LINE_CHANNEL_SECRET: SECRET,
        LINE_CHANNEL_ACCESS_TOKEN: TOKEN,
        LINE_API_BASE_URL: emulator.url,
        LINE_DATA_API_BASE_URL: emulator.url,
        PUBLIC_BASE_URL: 'https://needline.example.org',
        FOUNDATION_PHONE: '02 000 0000',
        PRIVACY_EMAIL: 'privacy@example.org',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    service.stdout!.on('data', (chunk) => (output += chunk));
    service.stderr!.on('data', (chunk) => (output += chunk));
    exited = new Promise((resolve) => service!.once('exit', resolve));
    base = `http://127.0.0.1:${port}`;
    expect(await statusBecomes('/readyz', 200, 240)).toBe(200);
  }

  async function statusBecomes(route: string, status: number, attempts = 120): Promise<number> {
    let last = 0;
    for (let i = 0; i < attempts; i++) {
      last = (await fetch(`${base}${route}`).catch(() => undefined))?.status ?? 0;
      if (last === status || service?.exitCode !== null) return last;
      await sleep(250);
    }
    return last;
  }

  it('restarts a killed database on the same data, comes back within 30 s and takes redelivered events once', async () => {
    await start();
    const before = newUserId();
    emulator.addUser({ userId: before, displayName: 'Before', language: 'en' });
    await postWebhook(`${base}/webhook`, SECRET, [
      buildEvent.follow({ userId: before, replyToken: emulator.issueReplyToken(before) }),
    ]);
    await emulator.waitForMessages({ userId: before, count: 1 });

    // An out-of-memory kill of the database process.
    process.kill(ferretDbChild(service!.pid!).pid, 'SIGKILL');
    const during = newUserId();
    emulator.addUser({ userId: during, displayName: 'During', language: 'en' });
    const follow = buildEvent.follow({ userId: during, replyToken: emulator.issueReplyToken(during) });
    const first = await postWebhook(`${base}/webhook`, SECRET, [follow], { timeoutMs: 30_000 }).catch(
      () => undefined,
    );

    expect(await statusBecomes('/readyz', 200)).toBe(200);
    expect(await statusBecomes('/healthz', 200)).toBe(200);
    // Queries answer a moment before the supervisor has logged the restart.
    for (let i = 0; i < 40 && !/embedded database restarted/.test(output); i++) await sleep(250);
    expect(output).toMatch(/embedded database exited/);
    expect(output).toMatch(/embedded database restarted/);

    // LINE redelivers what was refused (or, if the first try got through, nothing changes).
    const again = await postWebhook(`${base}/webhook`, SECRET, [
      { ...follow, deliveryContext: { isRedelivery: true } },
    ]);
    expect(again.status).toBe(200);
    await emulator.waitForMessages({ userId: during, count: 1, timeoutMs: 20_000 });
    const after = newUserId();
    emulator.addUser({ userId: after, displayName: 'After', language: 'en' });
    await postWebhook(`${base}/webhook`, SECRET, [
      buildEvent.follow({ userId: after, replyToken: emulator.issueReplyToken(after) }),
    ]);
    await emulator.waitForMessages({ userId: after, count: 1, timeoutMs: 20_000 });
    // Once: the welcome of the refused-then-redelivered follow went out as a single batch.
    await sleep(1000);
    const batches = new Set(emulator.sentMessages(during).map((m) => m.replyToken ?? m.retryKey));
    expect({ firstTry: first?.status ?? 'no answer', batches: batches.size }).toMatchObject({ batches: 1 });
  }, 120_000);

  it('says so on /healthz while it cannot restart the database, and exits non-zero after five tries', async () => {
    await start();
    const { pid, port } = ferretDbChild(service!.pid!);
    process.kill(pid, 'SIGKILL');
    // Something else takes the database's port: every restart fails.
    let squatter: Server | undefined;
    for (let i = 0; i < 50 && !squatter; i++) {
      squatter = await new Promise<Server | undefined>((resolve) => {
        const server = createServer().once('error', () => resolve(undefined));
        server.listen(port, '127.0.0.1', () => resolve(server));
      });
      if (!squatter) await sleep(20);
    }
    try {
      // The service hears of the exit a moment after the kill.
      expect(await statusBecomes('/healthz', 503)).toBe(503);
      const health = await fetch(`${base}/healthz`);
      expect(await health.json()).toMatchObject({ reason: 'database_down' });
      expect(await exited).toBe(1);
      expect(output).toMatch(/could not be restarted after 5 tries/);
    } finally {
      squatter?.close();
    }
  }, 120_000);
});
