import { AUDIT_ACTIONS, type AuditLog } from './audit-log';
import type { StaffModels } from './models';
import { hashPassword } from './password';
import { isDuplicateKey } from '../db/models';

export type FirstAdminOutcome = 'created' | 'admin_exists' | 'email_taken';

/**
 * At start: when no active admin exists, creates one from ADMIN_EMAIL/ADMIN_PASSWORD. It never
 * changes an existing account, so a stale environment cannot reset a password. Instances
 * starting together are safe: the unique email index lets only one insert win.
 */
export async function ensureFirstAdmin(
  models: StaffModels,
  admin: { email: string; password: string },
  audit?: AuditLog,
): Promise<FirstAdminOutcome> {
  if (await models.Staff.exists({ role: 'admin', active: true })) return 'admin_exists';
  const email = admin.email.trim().toLowerCase();
  if (await models.Staff.exists({ email })) return 'email_taken';
  try {
    const created = await models.Staff.create({
      email,
      name: 'Administrator',
      role: 'admin',
      provinces: [],
      active: true,
      passwordHash: await hashPassword(admin.password),
    });
    await audit?.record({
      actor: { id: null, kind: 'system' },
      action: AUDIT_ACTIONS.firstAdminCreated,
      target: { type: 'staff', id: created._id.toHexString() },
    });
    return 'created';
  } catch (error) {
    if (isDuplicateKey(error)) return 'admin_exists';
    throw error;
  }
}
