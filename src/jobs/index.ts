import type { Connection } from 'mongoose';
import { sendCoordinatorDigests } from '../notifications/coordinator-digest';
import {
  purgeOperationalRecords,
  purgePersonalData,
  type RetentionOptions,
} from '../privacy/retention-purge';
import type { Job } from './scheduler';
import { caseEscalationModel, escalateOverdueCases, type SlaDays } from '../notifications/sla-escalation';
import { staffNotificationModel } from '../notifications/staff-notifications';

export type DomainJobsDeps = {
  connection: Connection;
  /** Days without a staff action, per status, before escalation (default: new and reviewing, 7). */
  slaDays?: SlaDays;
  retention?: Partial<RetentionOptions>;
};

/**
 * The case-management jobs, for `createScheduler(...).start`. Call before `database.ensureIndexes()`
 * so the models they add are indexed. node-cron reads schedules in the server's time zone: the
 * digest's midnight is 07:00 in Bangkok on a UTC server (its once-a-day guard is the Bangkok date).
 */
export function domainJobs(deps: DomainJobsDeps): Job[] {
  caseEscalationModel(deps.connection);
  staffNotificationModel(deps.connection);
  return [
    {
      name: 'sla-escalation',
      schedule: '23 * * * *',
      run: (now) => escalateOverdueCases(deps, now),
    },
    {
      name: 'coordinator-digest',
      schedule: '0 0 * * *',
      run: (now) => sendCoordinatorDigests(deps, now),
    },
    {
      name: 'retention-purge',
      schedule: '41 2 * * *',
      run: (now) => purgePersonalData(deps, now),
    },
    {
      name: 'purge-operational-records',
      schedule: '53 3 * * *',
      run: (now) => purgeOperationalRecords(deps, now),
    },
  ];
}
