/**
 * npm run bench:floor: what the database alone can do on this machine, without the service: the
 * floor under the other benchmarks' figures. Reads 100,000 documents shaped like the export's
 * cases (raw BSON, nothing decoded in Node), the same with a projection, 100,000 two-field
 * documents (the smallest audience record), and stores 10,000 events 50 per insert.
 * Uses MONGODB_URI when set, else the embedded database, as the other benchmarks do.
 */
import { MongoClient, type Collection, type Document } from 'mongodb';
import { resolveDatabaseServer } from '../db/server-resolver';

const TOTAL = Number(process.env.BENCH_DOCUMENTS ?? 100_000);
const BATCH = 2_000;

function caseLike(i: number, at: Date): Document {
  return {
    reference: `NL-2569-${String(i).padStart(6, '0')}`,
    intakeId: `bench-${i}`,
    consentId: 'bench',
    language: 'th',
    reporter: { lineUserId: `U${i.toString(16).padStart(32, '0')}` },
    reportedBy: 'self',
    household: {
      headName: `นางทดสอบ ลำดับ${i}`,
      size: 3,
      vulnerable: ['elderly'],
      tenure: 'own',
      phone: '0812345678',
    },
    category: 'roof',
    description: { text: `หลังคารั่ว ฝนตกน้ำเข้าบ้าน หลังที่ ${i}` },
    mediaIds: [],
    location: {
      lat: 13.7,
      lng: 100.5,
      resolved: {
        province: 'กรุงเทพมหานคร',
        provinceCode: '10',
        source: { province: 'point', district: 'none', subdistrict: 'none' },
      },
    },
    priority: { level: 'high', score: 7 },
    status: 'new',
    timeline: [{ at, kind: 'created', actor: 'reporter', to: 'new' }],
    possibleDuplicateOf: [],
    keywords: ['nl-2569', 'roof', 'กรุงเทพมหานคร'],
    createdAt: at,
    updatedAt: at,
  };
}

async function timed(label: string, count: number, work: () => Promise<unknown>): Promise<void> {
  const started = process.hrtime.bigint();
  await work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`${label}: ${seconds.toFixed(2)} s (${Math.round(count / seconds)}/s)`);
}

async function readAll(collection: Collection, projection?: Document): Promise<number> {
  let count = 0;
  for await (const _ of collection.find(
    {},
    { raw: true, batchSize: 5_000, ...(projection ? { projection } : {}) },
  ))
    count++;
  return count;
}

async function main(): Promise<void> {
  const server = await resolveDatabaseServer({
    mongodbUri: process.env.MONGODB_URI,
    dataDir: '.data/bench',
    persistent: false,
    log: (message) => console.log(message),
  });
  const client = await MongoClient.connect(server.uri);
  const db = client.db(`bench_floor_${process.pid}`);
  try {
    console.log(`bench:floor  ${new Date().toISOString()}  database: ${server.description}`);
    const cases = db.collection('cases');
    const at = new Date();
    for (let start = 0; start < TOTAL; start += BATCH)
      await cases.insertMany(Array.from({ length: BATCH }, (_, i) => caseLike(start + i, at)));
    await timed(`read ${TOTAL} case-shaped documents, raw`, TOTAL, () => readAll(cases));
    await timed(`the same, projected to two fields`, TOTAL, () =>
      readAll(cases, { reference: 1, status: 1 }),
    );

    const small = db.collection('small');
    for (let start = 0; start < TOTAL; start += BATCH)
      await small.insertMany(Array.from({ length: BATCH }, (_, i) => ({ u: `U${start + i}`, l: 'th' })));
    await timed(`read ${TOTAL} two-field documents, raw`, TOTAL, () => readAll(small));

    const events = db.collection<Document & { _id: string }>('events');
    await timed('store 10000 events, 50 per insert', 10_000, async () => {
      for (let batch = 0; batch < 200; batch++)
        await events.insertMany(
          Array.from({ length: 50 }, (_, i) => ({
            _id: `e${batch}-${i}`,
            chatKey: `user:U${i}`,
            payload: JSON.stringify({ type: 'message', message: { type: 'text', text: 'hello there' } }),
            receivedAt: new Date(),
          })),
        );
    });
  } finally {
    await db.dropDatabase().catch(() => undefined);
    await client.close();
    await server.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
