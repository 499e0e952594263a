import type { Connection } from 'mongoose';
import {
  activeCoordinators,
  notifyStaff,
  staffNotificationModel,
} from '../notifications/staff-notifications';
import type { LineApi } from '../line/line-api';
import { staffModels } from '../staff/models';
import { quotaMonth, quotaSpend } from './spend';

/**
 * For an hourly job: when the month's LINE quota is at risk, the coordinators hear it (the admins
 * when there are none), once per month and level, before status updates would be held. The
 * quota is the whole account's, so every coordinator, whatever their provinces.
 */
export async function warnOfQuota(
  deps: { connection: Connection; lineApi: LineApi },
  now: Date,
): Promise<{ level: string; told: number }> {
  const spend = await quotaSpend(deps.connection, deps.lineApi, now);
  if (spend.level === 'ok' || spend.monthlyQuota === null) return { level: spend.level, told: 0 };
  const staff = staffModels(deps.connection);
  let recipients = (await activeCoordinators(staff)).map((c) => c.id);
  if (recipients.length === 0)
    recipients = (await staff.Staff.find({ role: 'admin', active: true }, { _id: 1 }).lean()).map((a) =>
      a._id.toHexString(),
    );
  const month = quotaMonth(now).end.toISOString().slice(0, 7);
  let told = 0;
  for (const staffId of recipients) {
    const created = await notifyStaff(staffNotificationModel(deps.connection), {
      _id: `quota:${month}:${spend.level}:${staffId}`,
      staffId,
      data: {
        kind: 'quota_low',
        level: spend.level,
        used: spend.usedThisMonth,
        quota: spend.monthlyQuota,
        runsOutOn: spend.runsOutOn,
      },
      createdAt: now,
    });
    if (created) told++;
  }
  return { level: spend.level, told };
}
