/**
 * npm run bench:webhook: the real service against LINE's emulator, each in its own process, on the
 * embedded database (or MONGODB_URI); the load comes from this process. Prints, with the date and
 * the database: database commands per lone event and per event of a 5-event burst in one chat,
 * service CPU per processed event, capacity (the highest fixed rate of new users whose welcome p95
 * stays within 1 s, all answered), the p95 at 100 events/s, and the acknowledgement p99 when 200 new
 * users post at once.
 *
 * BENCH_RATES (events/s, comma-separated; default 60,100,140,180,220,260), BENCH_SECONDS (per rate,
 * default 20) and BENCH_DRAIN_SECONDS (default 15) shorten or lengthen a run; BENCH_PROFILE=dir writes
 * the service's CPU profile there.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveDatabaseServer } from '../db/server-resolver';
import { buildEvent, newUserId, postWebhook } from '../line-emulator/webhook-client';
import type { FromEmulator, FromService } from './webhook-children';

const RATES = (process.env.BENCH_RATES ?? '60,100,140,180,220,260').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const DRAIN_SECONDS = Number(process.env.BENCH_DRAIN_SECONDS ?? 15);
const SECRET = randomBytes(16).toString('hex');
const TOKEN = `bench-${randomBytes(16).toString('hex')}`;
const CHILD = path.join(__dirname, 'webhook-children.ts');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0
    ? NaN
    : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};

function start<T extends { kind: string }>(role: string, env: Record<string, string>) {
  const profile =
    process.env.BENCH_PROFILE && role === 'service'
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`]
      : [];
  const child = fork(CHILD, [role], {
    execArgv: ['--import', 'tsx', ...profile],
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = new Promise<string>((resolve, reject) => {
    child.on('message', (message: T & { url?: string }) => message.kind === 'ready' && resolve(message.url!));
    child.once('exit', (code) => reject(new Error(`${role} exited with ${code}`)));
  });
  return { child, ready };
}

/** Clock ticks of CPU the process has used (user + system), from /proc. */
function cpuMs(child: ChildProcess): number {
  const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

async function main(): Promise<void> {
  const server = await resolveDatabaseServer({
    mongodbUri: process.env.MONGODB_URI,
    dataDir: '.data/bench',
    persistent: false,
  });
  const emulator = start<FromEmulator>('emulator', { BENCH_TOKEN: TOKEN });
  const emulatorUrl = await emulator.ready;
  const arrivals = new Map<string, number>();
  const waiting = new Map<string, () => void>();
  emulator.child.on('message', (message: FromEmulator) => {
    if (message.kind !== 'sent' || arrivals.has(message.to)) return;
    arrivals.set(message.to, message.at);
    waiting.get(message.to)?.();
  });
  const service = start<FromService>('service', {
    MONGODB_URI: server.uri,
    BENCH_DB_NAME: `bench_${randomBytes(4).toString('hex')}`,
    LINE_CHANNEL_SECRET: SECRET,
    LINE_CHANNEL_ACCESS_TOKEN: TOKEN,
    LINE_API_BASE_URL: emulatorUrl,
    LINE_DATA_API_BASE_URL: emulatorUrl,
    PUBLIC_BASE_URL: 'https://needline.example.org',
    FOUNDATION_PHONE: '02 000 0000',
    PRIVACY_EMAIL: 'privacy@example.org',
    LOG_LEVEL: 'error',
  });
  const webhookUrl = `${await service.ready}/webhook`;
  const counts = () =>
    new Promise<Record<string, number>>((resolve) => {
      const listener = (message: FromService) => {
        if (message.kind !== 'counts') return;
        service.child.off('message', listener);
        resolve(message.counts);
      };
      service.child.on('message', listener);
      service.child.send({ kind: 'counts' });
    });
  const total = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);
  const diff = (after: Record<string, number>, before: Record<string, number>) =>
    Object.fromEntries(
      Object.entries(after)
        .map(([k, v]) => [k, v - (before[k] ?? 0)])
        .filter(([, v]) => Number(v) > 0),
    );

  /** New users known to the emulator, each with reply tokens for its next `tokens` events. */
  const replyTokens = new Map<string, string[]>();
  const newUsers = (n: number, tokens = 1) => {
    const ids = Array.from({ length: n }, () => newUserId());
    const issued: [string, string][] = [];
    for (const id of ids) {
      const mine = Array.from({ length: tokens }, () => randomBytes(16).toString('hex'));
      replyTokens.set(id, mine);
      for (const token of mine) issued.push([id, token]);
    }
    emulator.child.send({ kind: 'users', userIds: ids, tokens: issued });
    return ids;
  };
  const tokenFor = (userId: string) => replyTokens.get(userId)?.shift() ?? randomBytes(16).toString('hex');
  const answered = (userId: string, timeoutMs = 30_000) =>
    arrivals.has(userId)
      ? Promise.resolve(true)
      : Promise.race([
          new Promise<boolean>((resolve) => waiting.set(userId, () => resolve(true))),
          sleep(timeoutMs).then(() => false),
        ]);
  const follow = (userId: string) =>
    postWebhook(webhookUrl, SECRET, [buildEvent.follow({ userId, replyToken: tokenFor(userId) })]);
  await sleep(500);

  // Warm-up: the first events of a process pay for compiling and for new collections.
  const warm = newUsers(30);
  await Promise.all(warm.map(follow));
  await Promise.all(warm.map((u) => answered(u)));
  await sleep(1000);

  // What an idle service sends anyway: the processor's poll of the queue (once a second) and the
  // jobs' ticks. Only the event path's collections are counted below, less the polls that fell in
  // the window (at the idle rate), so that the figures count what the events cost.
  const EVENT_PATH = ['event_queue', 'inbound_events', 'chats', 'line_users', 'outbound_messages'];
  const POLL = 'find event_queue';
  const idleStart = await counts();
  const idleFrom = performance.now();
  await sleep(5000);
  const pollsPerMs = (diff(await counts(), idleStart)[POLL] ?? 0) / (performance.now() - idleFrom);
  const measured = async (work: () => Promise<void>) => {
    const before = await counts();
    const from = performance.now();
    await work();
    const used: Record<string, number> = {};
    for (const [name, n] of Object.entries(diff(await counts(), before)))
      if (EVENT_PATH.includes(name.split(' ')[1] ?? '')) used[name] = Number(n);
    const polls = Math.min(used[POLL] ?? 0, Math.round(pollsPerMs * (performance.now() - from)));
    return { used, net: total(used) - polls };
  };

  // 1. Commands per lone event: a new user's follow, alone, five times.
  const lone: number[] = [];
  let loneBreakdown: Record<string, number> = {};
  for (const userId of newUsers(5)) {
    const { used, net } = await measured(async () => {
      await follow(userId);
      await answered(userId);
      await sleep(400); // the commit and the queue clearing follow the answer
    });
    lone.push(net);
    loneBreakdown = used;
  }

  // 2. Five events of one chat in one delivery (one burst), after the chat exists.
  const [talker] = newUsers(1, 6);
  await follow(talker!);
  await answered(talker!);
  await sleep(600);
  const texts = Array.from({ length: 5 }, (_, i) =>
    buildEvent.text({
      userId: talker!,
      text: `hello ${i}`,
      replyToken: tokenFor(talker!),
      timestamp: Date.now() + i,
    }),
  );
  const burst = await measured(async () => {
    await postWebhook(webhookUrl, SECRET, texts);
    await sleep(1000);
  });
  const burstUsed = burst.used;
  const burstNet = burst.net;

  // 3. Fixed rates of new users: capacity, p95 at 100/s, CPU per event.
  const ladder: {
    rate: number;
    p95: number;
    answered: number;
    sent: number;
    cpuPerEvent: number;
    commandsPerEvent: number;
  }[] = [];
  for (const rate of RATES) {
    const users = newUsers(rate * SECONDS);
    const sentAt = new Map<string, number>();
    const cpuBefore = cpuMs(service.child);
    const countsBefore = await counts();
    const t0 = performance.now();
    const requests: Promise<unknown>[] = [];
    for (const [i, userId] of users.entries()) {
      const due = t0 + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      sentAt.set(userId, Date.now());
      requests.push(follow(userId).catch(() => undefined));
    }
    await Promise.all(requests);
    const deadline = Date.now() + DRAIN_SECONDS * 1000;
    for (const userId of users) if (!(await answered(userId, Math.max(1, deadline - Date.now())))) break;
    const latencies = users.filter((u) => arrivals.has(u)).map((u) => arrivals.get(u)! - sentAt.get(u)!);
    const cpuPerEvent = (cpuMs(service.child) - cpuBefore) / Math.max(1, latencies.length);
    const commandsPerEvent = total(diff(await counts(), countsBefore)) / Math.max(1, latencies.length);
    const step = {
      rate,
      p95: percentile(latencies, 95),
      answered: latencies.length,
      sent: users.length,
      cpuPerEvent,
      commandsPerEvent,
    };
    ladder.push(step);
    console.log(
      `  ${rate}/s: p95 ${Math.round(step.p95)} ms, ${step.answered}/${step.sent} answered, CPU ${cpuPerEvent.toFixed(1)} ms/event, ${commandsPerEvent.toFixed(1)} commands/event`,
    );
    if (step.answered < step.sent || step.p95 > 1000) break;
    await sleep(2000);
  }

  // 4. 200 new users post at once, three times.
  const acks: number[] = [];
  for (let round = 0; round < 3; round++) {
    const users = newUsers(200);
    const results = await Promise.all(users.map(follow));
    acks.push(
      percentile(
        results.map((r) => r.durationMs),
        99,
      ),
    );
    await Promise.all(users.map((u) => answered(u)));
    await sleep(2000);
  }

  const passing = ladder.filter((s) => s.answered === s.sent && s.p95 <= 1000);
  const at100 = ladder.find((s) => s.rate === 100);
  const cpu = passing.length > 0 ? passing.map((s) => s.cpuPerEvent) : ladder.map((s) => s.cpuPerEvent);
  console.log(
    `\nbench:webhook ${new Date().toISOString().slice(0, 10)}, ${server.description}, ${os.cpus().length} cores, load ${os.loadavg()[0]!.toFixed(1)}`,
  );
  console.log(`| measure | value |\n|---|---|`);
  console.log(
    `| database commands per lone processed event | ${percentile(lone, 50).toFixed(1)} (idle polls taken off; the last one as counted: ${Object.entries(
      loneBreakdown,
    )
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}) |`,
  );
  console.log(
    `| database commands per event, 5 events of one chat in one burst | ${(burstNet / 5).toFixed(1)} (idle polls taken off; as counted: ${Object.entries(
      burstUsed,
    )
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}) |`,
  );
  console.log(`| service CPU per processed event | ${percentile(cpu, 50).toFixed(1)} ms |`);
  console.log(
    `| capacity: new users welcomed per second with p95 <= 1 s | ${passing.at(-1)?.rate ?? `< ${RATES[0]}`}/s |`,
  );
  console.log(
    `| event-to-reply p95 at 100 events/s | ${at100 ? `${Math.round(at100.p95)} ms` : 'not run'} |`,
  );
  console.log(
    `| acknowledgement p99, 200 new users posting at once | ${acks.map((a) => `${Math.round(a)} ms`).join(', ')} |`,
  );

  service.child.send({ kind: 'exit' });
  await new Promise((resolve) => service.child.once('exit', resolve));
  emulator.child.kill('SIGTERM');
  await sleep(500);
  await server.stop();
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
