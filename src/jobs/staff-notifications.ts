import express, { Router } from 'express';
import { Schema, type Connection, type Model } from 'mongoose';
import { z } from 'zod';
import { CASE_STATUSES } from '../cases/case-schema';
import { PublicError } from '../errors';
import { apiRoute } from '../staff/api-route';
import { staffContext, type StaffDeps } from '../staff/context';
import { staffOf } from '../staff/middleware';
import type { StaffModels } from '../staff/models';

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
  return (
    (connection.models.StaffNotification as StaffNotificationModel | undefined) ??
    connection.model<StaffNotificationDoc>('StaffNotification', staffNotificationSchema)
  );
}

export const isDuplicateKey = (error: unknown) => (error as { code?: number } | null)?.code === 11000;

/** Inserts the notification unless one with this id exists; true when this call created it. */
export async function notifyStaff(
  model: StaffNotificationModel,
  notification: Omit<StaffNotificationDoc, 'readAt'>,
): Promise<boolean> {
  try {
    await model.create(notification);
    return true;
  } catch (error) {
    if (isDuplicateKey(error)) return false;
    throw error;
  }
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

const notificationView = z.object({
  id: z.string(),
  createdAt: z.iso.datetime(),
  readAt: z.iso.datetime().nullable(),
  data: z.record(z.string(), z.unknown()),
});
const listQuery = z.object({
  unread: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** GET /api/notifications and POST /api/notifications/:id/read, for the signed-in staff member. */
export function staffNotificationsRouter(deps: StaffDeps): Router {
  const context = staffContext(deps);
  const Notification = staffNotificationModel(deps.connection);
  const router = Router();
  router.use('/api/notifications', express.json({ limit: '1kb' }));

  apiRoute(
    router,
    context,
    {
      method: 'get',
      path: '/api/notifications',
      summary: 'What the scheduled jobs told me (overdue cases, daily digest), newest first',
      tags: ['notifications'],
      access: 'staff',
      schemas: { query: listQuery },
      responses: {
        200: {
          description: 'My notifications and how many are unread',
          schema: z.object({ items: z.array(notificationView), unread: z.number().int() }),
        },
      },
    },
    async (req, res, { query }) => {
      const staffId = staffOf(req).id;
      const filter = { staffId, ...(query.unread === 'true' ? { readAt: null } : {}) };
      const [items, unread] = await Promise.all([
        Notification.find(filter).sort({ createdAt: -1 }).limit(query.limit).lean(),
        Notification.countDocuments({ staffId, readAt: null }),
      ]);
      res.json({
        items: items.map((n) => ({
          id: n._id,
          createdAt: n.createdAt.toISOString(),
          readAt: n.readAt?.toISOString() ?? null,
          data: n.data,
        })),
        unread,
      });
    },
  );

  apiRoute(
    router,
    context,
    {
      method: 'post',
      path: '/api/notifications/:id/read',
      summary: 'Mark one of my notifications read',
      tags: ['notifications'],
      access: 'staff',
      schemas: { params: z.object({ id: z.string().min(1).max(300) }) },
      responses: { 204: { description: 'Marked read' }, 404: { description: 'Not one of mine' } },
    },
    async (req, res, { params }) => {
      // Only its owner writes a notification after it is created, so this update has no rival writer.
      const result = await Notification.updateOne(
        { _id: params.id, staffId: staffOf(req).id },
        { $set: { readAt: context.clock() } },
      );
      if (result.matchedCount === 0)
        throw new PublicError(404, 'notification_not_found', 'No such notification of yours.');
      res.status(204).end();
    },
  );

  return router;
}
