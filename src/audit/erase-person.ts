import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { caseApiModels } from '../case-api/models';
import { staffNotificationModel } from '../jobs/staff-notifications';
import { updateModels } from '../reporter-updates/store';
import { auditModel } from './model';

/**
 * What still names an erased person's LINE user id outside their own data: the audit log's reads
 * of their chat, staff notifications whose id carries it, and the record of status messages owed to
 * them (and the status news waiting for them). The audit entries and notifications stay (who read
 * what, what staff were told) under a random stand-in; the owed messages go.
 */
export async function forgetLineUserInRecords(connection: Connection, lineUserId: string): Promise<void> {
  const standIn = `erased-${randomUUID()}`;
  // The one change the append-only log allows (past the model's guard): the person's erasure. Who
  // read, when and what kind of data stays as evidence; whose chat it was does not.
  await auditModel(connection).collection.updateMany(
    { targetType: 'line_user', targetId: lineUserId },
    { $set: { targetId: standIn } },
  );
  const notifications = staffNotificationModel(connection);
  const named = await notifications.find({ _id: { $regex: `:${lineUserId}:` } }).lean();
  for (const notification of named) {
    // An id cannot change: the notification is stored again under the stand-in.
    await notifications
      .create({ ...notification, _id: notification._id.split(lineUserId).join(standIn) })
      .catch((error: { code?: number }) => {
        if (error.code !== 11000) throw error;
      });
    await notifications.deleteOne({ _id: notification._id });
  }
  await caseApiModels(connection).CaseNotification.deleteMany({ to: lineUserId });
  // Status news still waiting for them, and the record of what was delivered.
  const updates = updateModels(connection);
  await updates.Pending.deleteOne({ _id: lineUserId });
  await updates.Claim.deleteMany({ to: lineUserId });
}
