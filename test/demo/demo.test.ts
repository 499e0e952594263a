import request from 'supertest';
import { CASE_STATUSES } from '../../src/cases/case-schema';
import { caseModel } from '../../src/cases/case-model';
import { caseModels, createCase } from '../../src/cases/create-case';
import { DEMO_COLLECTIONS } from '../../src/demo/demo-data';
import { runDemoCommand } from '../../src/demo/demo-command';
import { newUserId } from '../../src/line-emulator/webhook-client';
import { startSandboxService, stopSandboxService, type SandboxService } from '../e2e/harness';

describe('npm run demo', () => {
  let service: SandboxService;
  let env: NodeJS.ProcessEnv;
  const output: string[] = [];
  const io = {
    log: (line: string) => output.push(line),
    error: (line: string) => output.push(`ERR ${line}`),
  };

  beforeAll(async () => {
    service = await startSandboxService('demo');
    env = {
      NEEDLINE_URL: service.url,
      ADMIN_EMAIL: service.sandbox.admin!.email,
      ADMIN_PASSWORD: service.sandbox.admin!.password,
    };
  });
  afterAll(() => stopSandboxService(service));

  const count = (name: string) => service.database.connection.collection(name).countDocuments({ demo: true });

  it('is refused when LINE credentials are set', async () => {
    const code = await runDemoCommand(
      {
        ...env,
        LINE_CHANNEL_SECRET: '0123456789abcdef0123456789abcdef',
        LINE_CHANNEL_ACCESS_TOKEN: 'a-long-enough-channel-access-token',
        PUBLIC_BASE_URL: 'https://needline.example.org',
        FOUNDATION_PHONE: '02-123-4567',
        PRIVACY_EMAIL: 'privacy@example.org',
      },
      [],
      io,
    );
    expect(code).toBe(1);
    expect(output.at(-1)).toMatch(/^ERR Refused: LINE credentials are set/);
    expect(await count('cases')).toBe(0);
  });

  it('fills the sandbox with a few hundred cases in every status, Khao Kho the densest, and the rest', async () => {
    const real = await createCase(caseModels(service.database.connection), {
      intakeId: 'real-intake-1',
      consentId: 'consent-real',
      language: 'th',
      reporter: { lineUserId: newUserId() },
      reportedBy: 'self',
      household: { size: 3, vulnerable: [], tenure: 'own' },
      category: 'roof',
      description: { text: 'หลังคารั่ว' },
      mediaIds: [],
      location: { lat: 16.6, lng: 101.1 },
    });

    expect(await runDemoCommand(env, [], io)).toBe(0);
    expect(output.at(-3)).toMatch(/^Demo data added: \d+ cases/);

    const cases = await caseModel(service.database.connection)
      .find({ intakeId: { $regex: '^demo-' } })
      .lean();
    expect(cases.length).toBeGreaterThanOrEqual(250);
    expect(new Set(cases.map((c) => c.status))).toEqual(new Set(CASE_STATUSES));
    const byDistrict = new Map<string, number>();
    for (const c of cases) {
      const district = c.location.resolved.districtEn ?? '?';
      byDistrict.set(district, (byDistrict.get(district) ?? 0) + 1);
    }
    const densest = [...byDistrict].sort((a, b) => b[1] - a[1])[0]!;
    expect(densest[0]).toBe('Khao Kho');
    expect(new Set(cases.map((c) => c.location.resolved.provinceCode)).size).toBeGreaterThanOrEqual(5);
    expect(cases.filter((c) => c.mediaIds.length > 0).length).toBeGreaterThan(100);
    // References come from the same numbering as real cases: no clash.
    expect(new Set([...cases.map((c) => c.reference), real.case.reference]).size).toBe(cases.length + 1);

    expect(await count('volunteers')).toBeGreaterThanOrEqual(5);
    expect(await count('broadcasts')).toBe(2);
    expect(await count('handoffs')).toBe(1);

    // Staff see it through the API: a hand-off waiting, a dashboard that looks like work.
    const token = (await request(service.url).post('/api/auth/login').send(service.sandbox.admin).expect(200))
      .body.token as string;
    const auth = { authorization: `Bearer ${token}` };
    const handoffs = await request(service.url).get('/api/handoffs').set(auth).expect(200);
    expect(handoffs.body.items).toHaveLength(1);
    const status = await request(service.url).get('/api/demo').set(auth).expect(200);
    expect(status.body).toEqual({ available: true, loaded: true });
    // And the public page has figures to show.
    const figures = await request(service.url).get('/public/api/figures').expect(200);
    expect(figures.body.totals.needs.value).toBeGreaterThan(150);

    expect(await runDemoCommand(env, [], io)).toBe(1);
    expect(output.at(-1)).toMatch(/already there/);
    // Several hundred cases, each taking its reference number in turn: slow on a busy machine.
  }, 180_000);

  it('removes every demo document, and only those, with --remove', async () => {
    expect(await runDemoCommand(env, ['--remove'], io)).toBe(0);
    expect(output.at(-1)).toMatch(/^Demo data removed: \d+ documents\.$/);
    for (const name of DEMO_COLLECTIONS) expect(`${name}: ${await count(name)}`).toBe(`${name}: 0`);
    expect(await caseModel(service.database.connection).countDocuments({ intakeId: 'real-intake-1' })).toBe(
      1,
    );
  });
});
