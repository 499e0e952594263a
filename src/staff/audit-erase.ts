import type { Connection } from 'mongoose';
import { auditModel } from './audit-model';

/**
 * The audit log's reads of an erased person's chat stay (who read what, when) under a random
 * stand-in for whose chat it was. The one change the append-only log allows, past the model's guard.
 */
export async function forgetLineUserInAudit(
  connection: Connection,
  lineUserId: string,
  standIn: string,
): Promise<void> {
  await auditModel(connection).collection.updateMany(
    { targetType: 'line_user', targetId: lineUserId },
    { $set: { targetId: standIn } },
  );
}
