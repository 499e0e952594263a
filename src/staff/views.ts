import type { z } from 'zod';
import type { CredentialDoc, StaffDoc } from './models';
import type { staffView, tokenView } from './schemas';

export const viewStaff = (staff: StaffDoc): z.infer<typeof staffView> => ({
  id: staff._id.toHexString(),
  email: staff.email,
  name: staff.name,
  role: staff.role,
  provinces: staff.provinces ?? [],
  active: staff.active,
  createdAt: staff.createdAt.toISOString(),
});

export const viewToken = (credential: CredentialDoc): z.infer<typeof tokenView> => ({
  id: credential._id.toHexString(),
  name: credential.name ?? '',
  staffId: credential.staffId.toHexString(),
  createdBy: credential.createdBy?.toHexString() ?? null,
  createdAt: credential.createdAt.toISOString(),
  lastUsedAt: credential.lastUsedAt.toISOString(),
  expiresAt: credential.expiresAt?.toISOString() ?? null,
});
