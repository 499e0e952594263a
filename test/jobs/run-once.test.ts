import { connectDatabase, type Database } from '../../src/db/connection';
import { createErrorSink } from '../../src/errors';
import { domainJobs } from '../../src/jobs';
import { createScheduler, jobTickModel, type Job } from '../../src/jobs/scheduler';
import { staffNotificationModel } from '../../src/notifications/staff-notifications';
import { dropTestDatabase, openTestDatabase, testDatabaseServer } from '../helpers/db';
import { testLogger } from '../helpers/logger';
import { addStaff } from '../staff/helpers';
import { days, seedCase } from './helpers';

/** Two instances: two connections to one database, each with its own scheduler. */
describe('two instances ticking the same job', () => {
  let first: Database;
  let second: Database;

  beforeAll(async () => {
    first = await openTestDatabase('runonce');
    second = await connectDatabase(testDatabaseServer().uri, first.connection.name);
    jobTickModel(first.connection);
    await first.ensureIndexes();
  });
  afterAll(async () => {
    await second.close();
    await dropTestDatabase(first);
  });

  const schedulers = (now: Date) =>
    [first, second].map((database, n) =>
      createScheduler({
        connection: database.connection,
        logger: testLogger,
        reportError: createErrorSink(testLogger),
        instanceId: `instance-${n}`,
        now: () => now,
      }),
    );

  it('runs each tick once however the two race', async () => {
    const runs: string[] = [];
    const job: Job = {
      name: 'counting',
      schedule: '* * * * *',
      run: async (now) => {
        runs.push(now.toISOString());
        return { runs: runs.length };
      },
    };
    const [a, b] = schedulers(days(0));
    const ticks = Array.from(
      { length: 20 },
      (_, n) => `counting@${days(0, new Date(n * 60_000)).toISOString()}`,
    );
    const claimed = await Promise.all(
      ticks.flatMap((tick) => [a!.runTick(job, tick), b!.runTick(job, tick)]),
    );
    expect(runs).toHaveLength(20);
    for (let n = 0; n < ticks.length; n++)
      expect([claimed[2 * n], claimed[2 * n + 1]].filter(Boolean)).toHaveLength(1);
  });

  it('the real digest job, ticked by both, tells each coordinator once', async () => {
    const coordinator = await addStaff(first, 'coordinator');
    await seedCase(first, days(9));
    const now = days(10);
    const [a, b] = schedulers(now);
    const digest = domainJobs({ connection: first.connection }).find(
      (job) => job.name === 'coordinator-digest',
    )!;
    const digestOnSecond = domainJobs({ connection: second.connection }).find(
      (job) => job.name === 'coordinator-digest',
    )!;
    const tick = `coordinator-digest@${now.toISOString()}`;
    const claimed = await Promise.all([a!.runTick(digest, tick), b!.runTick(digestOnSecond, tick)]);
    expect(claimed.filter(Boolean)).toHaveLength(1);
    const record = await jobTickModel(first.connection).findById(tick).lean();
    expect(record?.result).toMatchObject({ coordinators: 1, notifications: 1, newCases: 1 });
    expect(await staffNotificationModel(first.connection).countDocuments({ staffId: coordinator.id })).toBe(
      1,
    );
  });
});
