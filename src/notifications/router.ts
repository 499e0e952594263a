import express, { Router } from 'express';
import { z } from 'zod';
import { PublicError } from '../errors';
import { apiRoute } from '../staff/api-route';
import { staffContext, type StaffDeps } from '../staff/context';
import { staffOf } from '../staff/middleware';
import { staffNotificationModel } from './staff-notifications';

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
