import { Schema, type Connection, type Model } from 'mongoose';
import cron, { type ScheduledTask } from 'node-cron';
import type { ErrorSink } from '../errors';
import type { Logger } from '../logger';
import { isDuplicateKey, modelOn } from '../db/models';

/**
 * One run per tick across all instances: every instance's cron fires, but only the one whose insert
 * of `job@minute` succeeds runs it. A unique insert is atomic on MongoDB and on FerretDB alike
 * (FerretDB 1.24's conditional updates are not). Old tick records are purged by the jobs' own purge.
 */
const jobTickSchema = new Schema(
  {
    _id: { type: String, required: true },
    job: { type: String, required: true },
    owner: { type: String, required: true },
    startedAt: { type: Date, required: true },
    finishedAt: { type: Date },
    result: { type: Schema.Types.Mixed },
    error: { type: String },
  },
  { versionKey: false, collection: 'job_ticks' },
);
jobTickSchema.index({ job: 1, startedAt: -1 });

type JobTickDoc = {
  _id: string;
  job: string;
  owner: string;
  startedAt: Date;
  finishedAt?: Date;
  result?: unknown;
  error?: string;
};

export function jobTickModel(connection: Connection): Model<JobTickDoc> {
  return modelOn<JobTickDoc>(connection, 'JobTick', jobTickSchema);
}

export type Job = {
  name: string;
  /** node-cron expression, e.g. '* * * * *' (every minute). */
  schedule: string;
  /** IANA time zone the schedule is read in (default: the server's), e.g. Asia/Bangkok for its midnight. */
  timezone?: string;
  /** Returns a summary of what it did (logged, kept in job_runs; no personal data). */
  run: (now: Date) => Promise<Record<string, unknown>>;
};

export type SchedulerDeps = {
  connection: Connection;
  logger: Logger;
  reportError: ErrorSink;
  instanceId: string;
  now?: () => Date;
};

export function createScheduler(deps: SchedulerDeps) {
  const JobTick = jobTickModel(deps.connection);
  const now = deps.now ?? (() => new Date());
  const tasks: ScheduledTask[] = [];
  const running = new Map<string, Promise<unknown>>();

  /** Claims and runs one tick of a job; false when another instance claimed it. */
  async function runTick(job: Job, tick: string): Promise<boolean> {
    const at = now();
    try {
      await JobTick.create({ _id: tick, job: job.name, owner: deps.instanceId, startedAt: at });
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
    try {
      const result = await job.run(at);
      deps.logger.info({ job: job.name, ...result }, `job ${job.name} done`);
      await JobTick.updateOne({ _id: tick }, { $set: { finishedAt: now(), result } });
    } catch (error) {
      deps.reportError(error, { job: job.name });
      await JobTick.updateOne(
        { _id: tick },
        { $set: { finishedAt: now(), error: String(error).slice(0, 500) } },
      );
    }
    return true;
  }

  return {
    runTick,
    start(jobs: Job[]): void {
      for (const job of jobs) {
        tasks.push(
          cron.schedule(
            job.schedule,
            () => {
              // A run still going on this instance is not doubled by the next tick.
              if (running.has(job.name)) return;
              const minute = new Date(Math.floor(now().getTime() / 60_000) * 60_000).toISOString();
              const run = runTick(job, `${job.name}@${minute}`)
                .catch((error: unknown) => deps.reportError(error, { job: job.name }))
                .finally(() => running.delete(job.name));
              running.set(job.name, run);
            },
            job.timezone ? { timezone: job.timezone } : undefined,
          ),
        );
      }
    },
    async stop(): Promise<void> {
      for (const task of tasks) await task.stop();
      await Promise.all(running.values());
    },
  };
}

/** Tick records are the jobs' history; a week of it is plenty. */
export async function purgeJobTicks(connection: Connection, olderThan: Date): Promise<number> {
  return (await jobTickModel(connection).deleteMany({ startedAt: { $lt: olderThan } })).deletedCount;
}

export type Scheduler = ReturnType<typeof createScheduler>;
