/**
 * npm run bench:broadcast: 100,000 followers in a throwaway database, one broadcast fanned out to
 * them through the real runner against the LINE emulator (in a child process, so its record of every
 * message is not counted in our memory); prints the time and the peak RSS growth.
 * Target: limited only by LINE's 200 multicast requests/s (200 requests: about 1 s), growth < 100 MB.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { broadcastContext } from '../broadcasts/context';
import { runBroadcast } from '../broadcasts/runner';
import { createBroadcast } from '../broadcasts/service';
import { connectDatabase } from '../db/connection';
import { resolveDatabaseServer } from '../db/server-resolver';
import { ingestionModels } from '../ingestion/models';
import { createLineApi } from '../line/line-api';
import { createLogger } from '../logger';

const TOTAL = Number(process.env.BENCH_RECIPIENTS ?? 100_000);
const BATCH = 5_000;
const LANGUAGES = ['th', 'th', 'th', 'en', 'hmn'];

async function startEmulatorProcess(): Promise<{ url: string; token: string; child: ChildProcess }> {
  const entry = path.join(__dirname, '..', 'line', 'emulator');
  const code = `require(${JSON.stringify(entry)}).startLineEmulator().then((e) => console.log(JSON.stringify({ url: e.url, token: e.channelAccessToken })))`;
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', code], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (status) => reject(new Error(`emulator exited with ${status}`)));
  });
  const { url, token } = JSON.parse(line) as { url: string; token: string };
  return { url, token, child };
}

async function main() {
  const logger = createLogger('silent');
  const server = await resolveDatabaseServer({
    dataDir: path.resolve('.data'),
    persistent: false,
    log: (m) => console.log(m),
  });
  console.log(`database: ${server.description}`);
  const database = await connectDatabase(server.uri, `bench_broadcast_${process.pid}`);
  const emulator = await startEmulatorProcess();
  try {
    const connection = database.connection;
    const { LineUser } = ingestionModels(connection);
    const ctx = broadcastContext({
      connection,
      logger,
      lineApi: createLineApi({
        channelAccessToken: emulator.token,
        apiBaseUrl: emulator.url,
        dataApiBaseUrl: emulator.url,
      }),
      instanceId: 'bench',
    });
    await database.ensureIndexes();

    const insertStart = Date.now();
    for (let start = 0; start < TOTAL; start += BATCH) {
      const batch = [];
      for (let i = start; i < Math.min(TOTAL, start + BATCH); i++) {
        batch.push({
          _id: `U${i.toString(16).padStart(32, '0')}`,
          followed: true,
          language: LANGUAGES[i % 5]!,
        });
      }
      await LineUser.insertMany(batch, { lean: true, ordered: false });
    }
    console.log(`inserted ${TOTAL} LINE users in ${((Date.now() - insertStart) / 1000).toFixed(1)} s`);

    global.gc?.();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);

    const estimateStart = process.hrtime.bigint();
    const { broadcast, estimate } = await createBroadcast(
      ctx,
      {
        audience: { type: 'all' },
        messages: {
          th: 'ข่าวจากมูลนิธิ',
          en: 'News from the foundation',
          hmn: 'Xov xwm los ntawm lub koom haum',
        },
        overrideQuota: false,
        dryRun: false,
      },
      { id: 'bench', role: 'admin' },
    );
    const estimateSeconds = Number(process.hrtime.bigint() - estimateStart) / 1e9;
    console.log(
      `estimate: ${estimate.messages} recipients, ${estimate.chunks} chunks, counted in ${estimateSeconds.toFixed(2)} s`,
    );

    const started = process.hrtime.bigint();
    const result = await runBroadcast({ ...ctx, lineApi: ctx.lineApi, instanceId: 'bench' }, broadcast!._id);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);

    const doc = await ctx.models.Broadcast.findById(broadcast!._id).lean();
    const prepareSeconds = (doc!.preparedAt!.getTime() - doc!.startedAt!.getTime()) / 1000;
    const usage = (await (await fetch(`${emulator.url}/__emulator/quota`)).json()) as { totalUsage: number };
    const growth = (peak - baseline) / 1024 / 1024;
    const floor = Math.ceil(TOTAL / 500) / 200;
    console.log(`result: ${result.outcome}, chunks ${JSON.stringify(result.chunks)}`);
    console.log(
      `fan-out: ${usage.totalUsage} recipients accepted by LINE in ${seconds.toFixed(2)} s ` +
        `(audience read and chunks stored in ${prepareSeconds.toFixed(2)} s, sending alongside; ` +
        `rate-limit floor ${floor.toFixed(2)} s)`,
    );
    console.log(
      `peak RSS growth: ${growth.toFixed(1)} MB (target < 100) ${growth < 100 ? 'OK' : 'ABOVE TARGET'}`,
    );
    if (usage.totalUsage !== TOTAL)
      throw new Error(`expected ${TOTAL} recipients, LINE accepted ${usage.totalUsage}`);
  } finally {
    emulator.child.kill();
    await database.connection.dropDatabase().catch(() => undefined);
    await database.close();
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
