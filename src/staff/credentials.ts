import { createHash, randomBytes } from 'node:crypto';
import type { Types } from 'mongoose';
import type { CredentialDoc, StaffModels } from './models';

export const SESSION_IDLE_MS = 8 * 60 * 60 * 1000;
/** Sliding stops here: a stolen session cannot be kept alive forever by using it. */
export const SESSION_MAX_MS = 24 * 60 * 60 * 1000;
/** Writing lastUsedAt on every request would double the writes for little. */
const TOUCH_AFTER_MS = 60 * 1000;

// Prefixes let secret scanners and people recognise a leaked NeedLine token.
const PREFIX = { session: 'nls_', api: 'nlt_' } as const;

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

const newToken = (kind: CredentialDoc['kind']) => PREFIX[kind] + randomBytes(32).toString('base64url');

export async function createSession(models: StaffModels, staffId: Types.ObjectId, now: Date) {
  const token = newToken('session');
  const expiresAt = new Date(now.getTime() + SESSION_IDLE_MS);
  const session = await models.Credential.create({
    tokenHash: hashToken(token),
    kind: 'session',
    staffId,
    createdAt: now,
    lastUsedAt: now,
    expiresAt,
    hardExpiresAt: new Date(now.getTime() + SESSION_MAX_MS),
  });
  return { token, expiresAt, sessionId: session._id.toHexString() };
}

export async function createApiToken(
  models: StaffModels,
  input: { name: string; staffId: Types.ObjectId; createdBy: Types.ObjectId; expiresAt: Date | null },
  now: Date,
) {
  const token = newToken('api');
  const doc = await models.Credential.create({
    tokenHash: hashToken(token),
    kind: 'api',
    staffId: input.staffId,
    name: input.name,
    createdBy: input.createdBy,
    createdAt: now,
    lastUsedAt: now,
    expiresAt: input.expiresAt,
    hardExpiresAt: input.expiresAt,
  });
  return { token, credential: doc.toObject() };
}

/** The live credential for a presented token, sliding a session's expiry; null when unknown or expired. */
export async function findLiveCredential(
  models: StaffModels,
  token: string,
  now: Date,
): Promise<CredentialDoc | null> {
  const credential = await models.Credential.findOne({ tokenHash: hashToken(token) }).lean<CredentialDoc>();
  if (!credential) return null;
  if (credential.expiresAt && credential.expiresAt <= now) {
    await models.Credential.deleteOne({ _id: credential._id });
    return null;
  }
  if (now.getTime() - credential.lastUsedAt.getTime() >= TOUCH_AFTER_MS) {
    const update: Partial<CredentialDoc> = { lastUsedAt: now };
    if (credential.kind === 'session' && credential.hardExpiresAt) {
      update.expiresAt = new Date(
        Math.min(now.getTime() + SESSION_IDLE_MS, credential.hardExpiresAt.getTime()),
      );
    }
    await models.Credential.updateOne({ _id: credential._id }, { $set: update });
    return { ...credential, ...update };
  }
  return credential;
}

export async function revokeCredential(models: StaffModels, id: Types.ObjectId): Promise<boolean> {
  const result = await models.Credential.deleteOne({ _id: id });
  return result.deletedCount === 1;
}

export async function revokeStaffCredentials(
  models: StaffModels,
  staffId: Types.ObjectId,
  kinds: CredentialDoc['kind'][],
): Promise<number> {
  const result = await models.Credential.deleteMany({ staffId, kind: { $in: kinds } });
  return result.deletedCount;
}
