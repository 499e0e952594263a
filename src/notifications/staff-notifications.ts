import { Schema, type Connection, type Model } from 'mongoose';
import { z } from 'zod';
import { CASE_STATUSES, type Case } from '../cases/case-schema';
import type { StaffModels } from '../staff/models';
import { insertOnce, modelOn } from '../db/models';
import { staffModels } from '../staff/models';

/**
 * Staff have no LINE id in our model, so what the jobs tell them waits here for the console.
 * Notifications carry data, not sentences: the console words them in the reader's language.
 */
export const slaEscalatedSchema = z.object({
  kind: z.literal('sla_escalated'),
  reference: z.string(),
  status: z.enum(CASE_STATUSES),
  provinceCode: z.string().optional(),
  /** The last staff action, or the case's creation when there was none. */
  idleSince: z.date(),
  idleDays: z.number().int(),
});

export const dailyDigestSchema = z.object({
  kind: z.literal('daily_digest'),
  /** The Bangkok calendar day the digest is for (YYYY-MM-DD). */
  date: z.string(),
  /** The coordinator's provinces; empty means every province. */
  provinces: z.array(z.string()),
  newCases: z.number().int(),
  overdueCases: z.number().int(),
  visitWaiting: z.number().int(),
  /** Hand-offs have no province: these two count every open one. */
  handoffsOpen: z.number().int(),
  handoffsWaitingOverDay: z.number().int(),
});

/** A reporter says the problem of a completed case is not solved: staff decide whether to reopen it. */
export const reopenRequestedSchema = z.object({
  kind: z.literal('reopen_requested'),
  reference: z.string(),
  at: z.date(),
});

/** The reporter of an open case erased their data: nobody can be called or told about it. */
export const reporterErasedSchema = z.object({
  kind: z.literal('reporter_erased'),
  reference: z.string(),
  status: z.string(),
  at: z.date(),
});

/** Someone keeps trying passwords for a staff account: admins decide whether to act. */
export const loginGuessedSchema = z.object({
  kind: z.literal('login_guessed'),
  staffId: z.string(),
  email: z.string(),
  failures: z.number().int(),
  since: z.date(),
});

/**
 * At this month's rate the LINE quota runs out before the month ends (`watch`), or what is left is
 * down to what is kept for status updates (`warning`): coordinators decide on broadcasts or the plan.
 */
export const quotaLowSchema = z.object({
  kind: z.literal('quota_low'),
  level: z.enum(['watch', 'warning']),
  used: z.number().int(),
  quota: z.number().int(),
  /** YYYY-MM-DD (Bangkok), when at this rate it runs out within the month. */
  runsOutOn: z.string().nullable(),
});

export const notificationDataSchema = z.discriminatedUnion('kind', [
  quotaLowSchema,
  slaEscalatedSchema,
  dailyDigestSchema,
  reopenRequestedSchema,
  reporterErasedSchema,
  loginGuessedSchema,
]);
export type NotificationData = z.infer<typeof notificationDataSchema>;

export type StaffNotificationDoc = {
  /** Deterministic, so inserting it is the guard that tells each person once. */
  _id: string;
  staffId: string;
  data: NotificationData;
  createdAt: Date;
  readAt?: Date;
};

const staffNotificationSchema = new Schema<StaffNotificationDoc>(
  {
    _id: { type: String, required: true },
    staffId: { type: String, required: true },
    data: { type: Schema.Types.Mixed, required: true },
    createdAt: { type: Date, required: true },
    readAt: { type: Date },
  },
  { versionKey: false, collection: 'staff_notifications' },
);
staffNotificationSchema.index({ staffId: 1, createdAt: -1 });

export type StaffNotificationModel = Model<StaffNotificationDoc>;

export function staffNotificationModel(connection: Connection): StaffNotificationModel {
  return modelOn<StaffNotificationDoc>(connection, 'StaffNotification', staffNotificationSchema);
}

/** Inserts the notification unless one with this id exists; true when this call created it. */
export async function notifyStaff(
  model: StaffNotificationModel,
  notification: Omit<StaffNotificationDoc, 'readAt'>,
): Promise<boolean> {
  return insertOnce(model, notification);
}

/** Active coordinators and the provinces each covers (empty: all of them). */
export async function activeCoordinators(staff: StaffModels): Promise<{ id: string; provinces: string[] }[]> {
  const coordinators = await staff.Staff.find(
    { role: 'coordinator', active: true },
    { _id: 1, provinces: 1 },
  ).lean();
  return coordinators.map((c) => ({ id: c._id.toHexString(), provinces: c.provinces ?? [] }));
}

/**
 * Who hears about a case in a province: the coordinators covering it; failing those, the
 * coordinators with no provinces (they cover the whole country); failing those, the admins.
 */
export async function provinceRecipients(
  staff: StaffModels,
  provinceCode: string | undefined,
): Promise<string[]> {
  const coordinators = await activeCoordinators(staff);
  const local = coordinators.filter((c) => provinceCode !== undefined && c.provinces.includes(provinceCode));
  if (local.length > 0) return local.map((c) => c.id);
  const national = coordinators.filter((c) => c.provinces.length === 0);
  if (national.length > 0) return national.map((c) => c.id);
  const admins = await staff.Staff.find({ role: 'admin', active: true }, { _id: 1 }).lean();
  return admins.map((a) => a._id.toHexString());
}

/** Every active admin is told, once per guessing spell. */
export async function tellAdminsOfGuessing(
  connection: Connection,
  guess: { staffId: string; email: string; failures: number; since: Date; at: Date },
): Promise<void> {
  const admins = await staffModels(connection).Staff.find({ role: 'admin', active: true }, { _id: 1 }).lean();
  for (const admin of admins)
    await notifyStaff(staffNotificationModel(connection), {
      _id: `login_guessed:${guess.staffId}:${guess.since.getTime()}:${admin._id.toHexString()}`,
      staffId: admin._id.toHexString(),
      data: {
        kind: 'login_guessed',
        staffId: guess.staffId,
        email: guess.email,
        failures: guess.failures,
        since: guess.since,
      },
      createdAt: guess.at,
    });
}

/** What staff were told stays; an erased person's LINE id in a notification's id goes for the stand-in. */
export async function forgetLineUserInNotifications(
  connection: Connection,
  lineUserId: string,
  standIn: string,
): Promise<void> {
  const notifications = staffNotificationModel(connection);
  const named = await notifications.find({ _id: { $regex: `:${lineUserId}:` } }).lean();
  for (const notification of named) {
    // An id cannot change: the notification is stored again under the stand-in.
    await insertOnce(notifications, {
      ...notification,
      _id: notification._id.split(lineUserId).join(standIn),
    });
    await notifications.deleteOne({ _id: notification._id });
  }
}

/**
 * Staff working on an open case must know that nobody can be called or visited about it any more:
 * its caseworker, or else the coordinators of its province.
 */
export async function tellStaffOfErasure(
  connection: Connection,
  item: Pick<Case, 'reference' | 'status' | 'assigneeId'> & {
    location?: { resolved?: { provinceCode?: string } };
  },
  at: Date,
): Promise<void> {
  const recipients = item.assigneeId
    ? [item.assigneeId]
    : await provinceRecipients(staffModels(connection), item.location?.resolved?.provinceCode);
  for (const staffId of recipients) {
    await notifyStaff(staffNotificationModel(connection), {
      _id: `erased:${item.reference}:${staffId}`,
      staffId,
      data: { kind: 'reporter_erased', reference: item.reference, status: item.status, at },
      createdAt: at,
    });
  }
}
