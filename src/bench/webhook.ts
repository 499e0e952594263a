/**
 * npm run bench:webhook: the real service (sandbox mode, real database) against a bare Express
 * route that only verifies LINE's signature, both in this process, loaded by a forked generator on
 * 127.0.0.1. Prints acknowledged events/s, ack latency, the ratio real/bare, whether every
 * acknowledged event is durable, and the event-to-reply latency measured at the LINE emulator at a
 * fixed rate. Targets on the 2-core machine: ratio >= 50 %, ack p99 <= 100 ms, reply p95 <= 300 ms
 * at 200 events/s.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { parseConfig } from '../config';
import { resolveDatabaseServer, type DatabaseServer } from '../db/server-resolver';
import type { LineEmulator } from '../line/emulator';
import { createLogger } from '../logger';
import { startService, type Service } from '../service';
import { startBareWebhook } from './webhook-bare';
import type {
  ClosedCommand,
  ClosedResult,
  FromLoad,
  OpenCommand,
  OpenSend,
  Ticket,
  ToLoad,
} from './webhook-load';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const ACK_SECONDS = Number(process.env.BENCH_ACK_SECONDS ?? 12);
const WARMUP_SECONDS = 2;
const ACK_USERS = 2_000;
const E2E_RATE = Number(process.env.BENCH_E2E_RATE ?? 200);
const E2E_SECONDS = Number(process.env.BENCH_E2E_SECONDS ?? 10);
const E2E_DRAIN_MS = 30_000;
const TARGETS = { ratio: 0.5, ackP99Ms: 100, replyP95Ms: 300 };

const wallNow = () => performance.timeOrigin + performance.now();
const newUserId = () => `U${randomBytes(16).toString('hex')}`;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const ms = (value: number) => `${value.toFixed(1)} ms`;
const verdict = (ok: boolean) => (ok ? 'meets target' : 'MISSES target');

/** The forked generator, with the parent's side of its protocol: tickets on demand, one run at a time. */
function startGenerator(emulator: LineEmulator) {
  const ext = path.extname(__filename);
  const child: ChildProcess = fork(path.join(__dirname, `webhook-load${ext}`), [], {
    execArgv: ext === '.ts' ? ['--import', 'tsx'] : [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ackUsers = Array.from({ length: ACK_USERS }, newUserId);
  let nextUser = 0;
  let waiting: ((message: FromLoad) => void) | undefined;
  const tell = (message: ToLoad) => child.send(message);

  child.on('message', (message: FromLoad) => {
    if (message.type === 'need-tickets') {
      const tickets: Ticket[] = [];
      for (let i = 0; i < message.count; i++) {
        const userId = ackUsers[nextUser++ % ackUsers.length]!;
        tickets.push({ userId, replyToken: emulator.issueReplyToken(userId) });
      }
      tell({ type: 'tickets', tickets });
    } else {
      waiting?.(message);
    }
  });

  const run = (command: ClosedCommand | OpenCommand) =>
    new Promise<FromLoad>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`load generator exited (${code})`));
      child.once('exit', onExit);
      waiting = (message) => {
        child.off('exit', onExit);
        waiting = undefined;
        resolve(message);
      };
      tell({ type: 'run', command });
    });

  return {
    async closed(url: string, channelSecret: string): Promise<ClosedResult> {
      const message = await run({
        kind: 'closed',
        url,
        channelSecret,
        connections: CONNECTIONS,
        seconds: ACK_SECONDS,
        warmupSeconds: WARMUP_SECONDS,
      });
      if (message.type !== 'closed-result') throw new Error(`unexpected ${message.type}`);
      return message.result;
    },
    async open(url: string, channelSecret: string, tickets: Ticket[]): Promise<OpenSend[]> {
      const message = await run({
        kind: 'open',
        url,
        channelSecret,
        ratePerSecond: E2E_RATE,
        tickets,
        maxSockets: 256,
      });
      if (message.type !== 'open-result') throw new Error(`unexpected ${message.type}`);
      return message.sends;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || !child.connected) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        tell({ type: 'exit' });
      }),
  };
}

function printAck(label: string, result: ClosedResult): number {
  const perSecond = result.ok / result.seconds;
  console.log(
    `  ${label.padEnd(22)} ${perSecond.toFixed(0).padStart(6)} acknowledged events/s   ` +
      `p50 ${ms(result.latencyMs.p50)}  p99 ${ms(result.latencyMs.p99)}  max ${ms(result.latencyMs.max)}   ` +
      `(${result.ok} × 200 in ${result.seconds.toFixed(1)} s; non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts})`,
  );
  if (result.ticketMisses > 0) {
    console.log(`  (${result.ticketMisses} requests had no emulator reply token: the supply lagged)`);
  }
  return perSecond;
}

/** Every event answered 200 must be in inbound_events; the only extra ones are those cut off in flight. */
async function checkDurable(service: Service, result: ClosedResult) {
  const events = service.database.connection.collection<{ _id: string }>('inbound_events');
  const present = async (ids: string[]) => {
    let found = 0;
    for (let i = 0; i < ids.length; i += 500) {
      found += await events.countDocuments({ _id: { $in: ids.slice(i, i + 500) } });
    }
    return found;
  };
  const acked = [...new Set(result.ackedIds)];
  const ackedStored = await present(acked);
  const cutOffStored = await present(result.unansweredIds);
  const stored = await events.countDocuments({});
  const durable = ackedStored === acked.length;
  console.log(
    `  durability: ${acked.length} events acknowledged 200 (warm-up included), ${ackedStored} of them in inbound_events ` +
      `-> ${durable ? 'every acknowledged event is durable' : 'NOT DURABLE'}; inbound_events holds ${stored} = ` +
      `${acked.length} acknowledged + ${stored - acked.length} whose answer never reached the generator ` +
      `(${result.unansweredIds.length} unanswered: in flight at the end or timed out; ${cutOffStored} of them stored)`,
  );
  return durable;
}

async function measureReplies(
  service: Service,
  emulator: LineEmulator,
  channelSecret: string,
  generator: ReturnType<typeof startGenerator>,
) {
  const count = Math.round(E2E_RATE * E2E_SECONDS);
  const tickets: Ticket[] = Array.from({ length: count }, () => {
    const userId = newUserId();
    return { userId, replyToken: emulator.issueReplyToken(userId) };
  });
  const users = new Set(tickets.map((ticket) => ticket.userId));
  const firstReplyAt = new Map<string, { at: number; via: string }>();
  let allReplied: () => void = () => undefined;
  const off = emulator.onMessage((message) => {
    if (!users.has(message.to) || firstReplyAt.has(message.to)) return;
    firstReplyAt.set(message.to, { at: wallNow(), via: message.via });
    if (firstReplyAt.size === users.size) allReplied();
  });
  const sends = await generator.open(`${service.url}/webhook`, channelSecret, tickets);
  const acked = sends.filter((send) => send.status === 200);
  const statuses = new Map<number, number>();
  for (const send of sends) statuses.set(send.status, (statuses.get(send.status) ?? 0) + 1);
  // The backlog drains, bounded: what has not been answered by then counts as missing.
  const drainStart = wallNow();
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, E2E_DRAIN_MS);
    allReplied = () => {
      clearTimeout(timer);
      resolve();
    };
    if (firstReplyAt.size >= acked.length) allReplied();
  });
  const drainedMs = wallNow() - drainStart;
  off();

  const latencies = acked
    .map((send) => (firstReplyAt.get(send.userId)?.at ?? NaN) - send.sentAt)
    .filter((value) => Number.isFinite(value))
    .sort((a, b) => a - b);
  const ackLatencies = acked.map((send) => send.ackMs).sort((a, b) => a - b);
  const lags = sends.map((send) => send.lagMs).sort((a, b) => a - b);
  const span = (Math.max(...sends.map((s) => s.sentAt)) - Math.min(...sends.map((s) => s.sentAt))) / 1000;
  const viaPush = [...firstReplyAt.values()].filter((reply) => reply.via !== 'reply').length;
  const p95 = percentile(latencies, 95);
  console.log(
    `  ${sends.length} events sent open-loop over ${span.toFixed(1)} s (${(sends.length / span).toFixed(0)}/s; ` +
      `send lag behind schedule p99 ${ms(percentile(lags, 99))}); ${acked.length} acknowledged 200 ` +
      `(ack p50 ${ms(percentile(ackLatencies, 50))}, p99 ${ms(percentile(ackLatencies, 99))}; ` +
      `answers by status: ${[...statuses].map(([status, n]) => `${status || 'no answer'} × ${n}`).join(', ')})`,
  );
  console.log(
    `  replies at the emulator: ${latencies.length} of ${acked.length} (${viaPush} by push), ` +
      `backlog drained ${ms(drainedMs)} after the last send`,
  );
  console.log(
    `  event-to-reply latency: p50 ${ms(percentile(latencies, 50))}  p95 ${ms(p95)}  p99 ${ms(percentile(latencies, 99))}  ` +
      `max ${ms(latencies.at(-1) ?? NaN)}   ${verdict(p95 <= TARGETS.replyP95Ms && latencies.length === acked.length)} (p95 <= ${TARGETS.replyP95Ms} ms, every event answered)`,
  );
}

/** Bounded, so a jammed database cannot keep the benchmark from exiting. */
function bounded(label: string, work: () => Promise<unknown>, limitMs = 20_000): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      console.error(`cleanup: ${label} still running after ${limitMs} ms; going on`);
      resolve();
    }, limitMs);
    work()
      .catch((error: unknown) => console.error(`cleanup: ${label}:`, error))
      .finally(() => {
        clearTimeout(timer);
        resolve();
      });
  });
}

async function main(): Promise<void> {
  const parsed = parseConfig({});
  if (!parsed.ok) throw new Error(parsed.problems.join('; '));
  const config = parsed.config;
  // Request logs cost CPU but would bury the figures; warnings and errors still show.
  const logger = createLogger(process.env.BENCH_LOG_LEVEL ?? 'warn');
  const cleanups: { label: string; run: () => Promise<unknown> }[] = [];
  const later = (label: string, run: () => Promise<unknown>) => cleanups.unshift({ label, run });
  const cleanUp = async () => {
    while (cleanups.length > 0) {
      const cleanup = cleanups.shift()!;
      await bounded(cleanup.label, cleanup.run);
    }
  };

  try {
    const databaseServer: DatabaseServer = await resolveDatabaseServer({
      mongodbUri: process.env.MONGODB_URI,
      dataDir: '.data/bench',
      persistent: false,
      log: (message) => console.log(message),
    });
    later('database server', () => databaseServer.stop());

    // One service per phase, each on its own database: the closed loop leaves a backlog of thousands
    // of events that would otherwise still be processed during the reply phase.
    const serviceFor = async (phase: string) => {
      const service = await startService({
        config,
        logger,
        port: 0,
        jobs: false,
        databaseServer,
        dbName: `bench_webhook_${process.pid}_${phase}`,
      });
      later(`service (${phase})`, () => service.stop());
      later(`database (${phase})`, async () => {
        // The processor first, so nothing writes into the database being dropped.
        await service.processor.stop();
        await service.database.connection.dropDatabase();
      });
      return { service, emulator: service.sandbox!.emulator, channelSecret: service.sandbox!.channelSecret };
    };

    const ack = await serviceFor('ack');
    const bare = await startBareWebhook(ack.channelSecret);
    later('bare route', () => bare.stop());
    const generator = startGenerator(ack.emulator);
    later('load generator', () => generator.stop());

    console.log(`bench:webhook  ${new Date().toISOString()}`);
    console.log(
      `database: ${databaseServer.description}; Node ${process.version}; ${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim()}); ` +
        `load average at start ${os.loadavg()[0]!.toFixed(1)}`,
    );
    console.log(
      `load: ${CONNECTIONS} connections, ${WARMUP_SECONDS} s warm-up + ${ACK_SECONDS} s each, one signed text event per request, ` +
        `${ACK_USERS} users, reply tokens from the emulator; generator in a separate process on 127.0.0.1`,
    );

    console.log(`\n1. acknowledgement throughput, closed loop`);
    const bareResult = await generator.closed(bare.url, ack.channelSecret);
    const bareRate = printAck('bare signature route', bareResult);
    const realResult = await generator.closed(`${ack.service.url}/webhook`, ack.channelSecret);
    const realRate = printAck('NeedLine POST /webhook', realResult);
    const ratio = realRate / bareRate;
    console.log(
      `  ratio real/bare: ${(ratio * 100).toFixed(1)} %   ${verdict(ratio >= TARGETS.ratio)} (>= ${TARGETS.ratio * 100} %)`,
    );
    console.log(
      `  real ack p99: ${ms(realResult.latencyMs.p99)}   ${verdict(realResult.ok > 0 && realResult.latencyMs.p99 <= TARGETS.ackP99Ms)} (<= ${TARGETS.ackP99Ms} ms)`,
    );
    await checkDurable(ack.service, realResult);
    const connection = ack.service.database.connection;
    const waiting = await connection.collection('event_queue').countDocuments({});
    const processed = (await connection.collection('inbound_events').countDocuments({})) - waiting;
    console.log(`  processed (bot answered) by the end of the load: ${processed}; still waiting: ${waiting}`);
    await bounded('processor (ack)', () => ack.service.processor.stop());
    // The same route with processing stopped: what acknowledging alone costs on this database, where
    // above it shares the two cores and the database's single writer with the bot's work.
    const aloneResult = await generator.closed(`${ack.service.url}/webhook`, ack.channelSecret);
    const aloneRate = printAck('  … processing stopped', aloneResult);
    console.log(
      `  ratio to bare with processing stopped: ${((aloneRate / bareRate) * 100).toFixed(1)} % (information)`,
    );

    console.log(
      `\n2. event-to-reply at ${E2E_RATE} events/s for ${E2E_SECONDS} s (new users: the welcome), a fresh service`,
    );
    const reply = await serviceFor('reply');
    await measureReplies(reply.service, reply.emulator, reply.channelSecret, generator);
  } finally {
    await cleanUp();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
