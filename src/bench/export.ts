/**
 * npm run bench:export: 100,000 generated cases into a throwaway database, exported as CSV through
 * the real HTTP route by a signed-in admin; prints rows/s and the peak RSS growth while exporting.
 * Target on the 2-core machine: >= 20,000 rows/s and < 100 MB growth.
 */
import { execFile } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createApp } from '../app';
import { auditModel } from '../staff/audit-model';
import { caseApiRouter } from '../case-api/router';
import { registerModels } from '../models';
import { CATEGORIES, CASE_STATUSES, type Case } from '../cases/case-schema';
import { caseModels } from '../cases/create-case';
import { formatReference } from '../cases/reference';
import { computePriority } from '../cases/priority';
import { connectDatabase } from '../db/connection';
import { resolveDatabaseServer } from '../db/server-resolver';
import { createErrorSink } from '../errors';
import { ApiRegistry } from '../http/openapi';
import { ingestionModels } from '../ingestion/models';
import { createLineApi } from '../line/line-api';
import { createSender } from '../line/sender';
import { createLogger } from '../logger';
import { createSession } from '../staff/credentials';
import { staffModels } from '../staff/models';
import { staffApiRouters } from '../staff/routers';
import { tellAdminsOfGuessing } from '../notifications/staff-notifications';

const execFileAsync = promisify(execFile);
const TOTAL = Number(process.env.BENCH_CASES ?? 100_000);
const BATCH = 2_000;
const PROVINCES = [
  { code: '10', name: 'กรุงเทพมหานคร', lat: 13.75, lng: 100.5 },
  { code: '50', name: 'เชียงใหม่', lat: 18.79, lng: 98.98 },
  { code: '67', name: 'เพชรบูรณ์', lat: 16.42, lng: 101.16 },
  { code: '34', name: 'อุบลราชธานี', lat: 15.24, lng: 104.85 },
];

function generated(i: number, at: Date): Case {
  const province = PROVINCES[i % PROVINCES.length]!;
  const category = CATEGORIES[i % CATEGORIES.length]!;
  const household = {
    headName: `นางทดสอบ ลำดับ${i}`,
    size: 1 + (i % 7),
    vulnerable: i % 3 === 0 ? ['elderly' as const] : [],
    tenure: 'own' as const,
    phone: `08${String(i).padStart(8, '0')}`,
  };
  const reference = formatReference(2569, i + 1);
  return {
    reference,
    intakeId: `bench-${i}`,
    consentId: 'bench',
    language: 'th',
    reporter: { lineUserId: `U${i.toString(16).padStart(32, '0')}` },
    reportedBy: 'self',
    household,
    category,
    description: { text: `หลังคารั่ว ฝนตกน้ำเข้าบ้าน หลังที่ ${i}` },
    mediaIds: [],
    location: {
      lat: province.lat + (i % 1000) / 10_000,
      lng: province.lng + (i % 997) / 10_000,
      resolved: {
        province: province.name,
        provinceCode: province.code,
        source: { province: 'point', district: 'none', subdistrict: 'none' },
      },
    },
    priority: computePriority({ category, household }),
    status: CASE_STATUSES[i % 7]!,
    timeline: [{ at, kind: 'created', actor: 'reporter', to: 'new' }],
    possibleDuplicateOf: [],
    keywords: [reference.toLowerCase(), category, province.name],
    createdAt: new Date(at.getTime() - i * 60_000),
    updatedAt: at,
  };
}

async function main() {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'needline-bench-'));
  const logger = createLogger('silent');
  const server = await resolveDatabaseServer({
    dataDir: path.resolve('.data'),
    persistent: false,
    log: (m) => console.log(m),
  });
  console.log(`database: ${server.description}`);
  const database = await connectDatabase(server.uri, `bench_export_${process.pid}`);
  try {
    const connection = database.connection;
    registerModels(connection);
    const staff = staffModels(connection);
    auditModel(connection);
    await database.ensureIndexes();

    const { cases } = caseModels(connection);
    const now = new Date();
    const insertStart = Date.now();
    for (let start = 0; start < TOTAL; start += BATCH) {
      const batch = [];
      for (let i = start; i < Math.min(TOTAL, start + BATCH); i++) batch.push(generated(i, now));
      await cases.collection.insertMany(batch, { ordered: false });
    }
    console.log(`inserted ${TOTAL} cases in ${((Date.now() - insertStart) / 1000).toFixed(1)} s`);

    const admin = await staff.Staff.create({
      email: 'bench@example.org',
      name: 'Bench',
      role: 'admin',
      provinces: [],
      active: true,
      passwordHash: 'x',
    });
    const { token } = await createSession(staff, admin._id, new Date());
    const api = new ApiRegistry();
    const sender = createSender({
      models: ingestionModels(connection),
      api: createLineApi({
        channelAccessToken: 'unused-unused-unused',
        apiBaseUrl: 'http://127.0.0.1:9',
        dataApiBaseUrl: 'http://127.0.0.1:9',
        timeoutMs: 100,
      }),
      logger,
      instanceId: 'bench',
    });
    const app = createApp({
      logger,
      reportError: createErrorSink(logger),
      isReady: async () => true,
      routers: [
        ...staffApiRouters({ connection, logger, api }, (guess) => tellAdminsOfGuessing(connection, guess)),
        caseApiRouter({ connection, sender, logger, reportError: createErrorSink(logger), api }),
      ],
    });
    const http = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => http.once('listening', resolve));
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/api/cases/export.csv`;

    global.gc?.();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 50);
    // curl reads the export in its own process: our RSS and CPU are the server's alone.
    const file = path.join(dataDir, 'export.csv');
    const cpuBefore = process.cpuUsage();
    const started = process.hrtime.bigint();
    await execFileAsync('curl', ['-sS', '--fail', '-o', file, '-H', `authorization: Bearer ${token}`, url]);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    http.close();
    let lines = 0;
    for await (const chunk of createReadStream(file))
      for (const byte of chunk as Buffer) if (byte === 10) lines++;
    const bytes = statSync(file).size;

    const cpu = process.cpuUsage(cpuBefore);
    const rows = lines - 1;
    const rate = rows / seconds;
    const growth = (peak - baseline) / 1024 / 1024;
    console.log(`exported ${rows} rows (${(bytes / 1024 / 1024).toFixed(1)} MB) in ${seconds.toFixed(2)} s`);
    console.log(
      `our process CPU: ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s of ${seconds.toFixed(1)} s (the rest is the database)`,
    );
    console.log(`rows/s: ${Math.round(rate)} (target >= 20000) ${rate >= 20_000 ? 'OK' : 'BELOW TARGET'}`);
    console.log(
      `peak RSS growth: ${growth.toFixed(1)} MB (target < 100) ${growth < 100 ? 'OK' : 'ABOVE TARGET'}`,
    );
    if (rows !== TOTAL) throw new Error(`expected ${TOTAL} rows, got ${rows}`);
  } finally {
    await database.connection.dropDatabase().catch(() => undefined);
    await database.close();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
