import type { Request } from 'express';
import { Types, type Connection, type QueryFilter } from 'mongoose';
import './principal';
import { auditModel, type AuditDetails, type AuditEntryDoc } from './audit-model';

export const AUDIT_ACTIONS = {
  login: 'auth.login',
  loginFailed: 'auth.login_failed',
  /** An account failed to sign in often enough, from anywhere, that admins are told. */
  loginGuessed: 'auth.login_guessed',
  logout: 'auth.logout',
  firstAdminCreated: 'staff.first_admin_created',
  staffCreated: 'staff.create',
  staffUpdated: 'staff.update',
  staffSessionsRevoked: 'staff.sessions_revoke',
  tokenCreated: 'token.create',
  tokenRevoked: 'token.revoke',
  personalDataRead: 'personal_data.read',
} as const;

export type AuditTarget = { type: string; id: string };

export type AuditRecord = {
  action: string;
  target?: AuditTarget | null;
  details?: AuditDetails;
  actor: { id: string | null; kind: AuditEntryDoc['actorKind']; credentialId?: string | null };
  ip?: string | null;
  userAgent?: string | null;
  requestId?: string | null;
};

export type AuditFilter = {
  actor?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
  from?: Date;
  to?: Date;
  cursor?: string;
  limit: number;
};

export type AuditEntry = {
  id: string;
  at: string;
  actor: { id: string | null; kind: AuditEntryDoc['actorKind']; credentialId: string | null };
  action: string;
  target: AuditTarget | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  details: AuditDetails;
};

const objectId = (id: string | null | undefined) =>
  id && Types.ObjectId.isValid(id) ? new Types.ObjectId(id) : null;

/** Who and from where, as far as the request tells: the staff member set by requireAuth, if any. */
export function requestActor(req: Request): Omit<AuditRecord, 'action' | 'target' | 'details'> {
  const userAgent = req.get('user-agent');
  return {
    actor: req.staff
      ? { id: req.staff.id, kind: req.staff.credential.kind, credentialId: req.staff.credential.id }
      : { id: null, kind: 'anonymous' },
    ip: req.ip ?? null,
    userAgent: userAgent ? userAgent.slice(0, 256) : null,
    requestId: typeof req.id === 'string' ? req.id : req.id != null ? String(req.id) : null,
  };
}

/** Newest first; the cursor is the last entry's time and id, so pages stay stable while entries arrive. */
const encodeCursor = (entry: Pick<AuditEntryDoc, 'at' | '_id'>) =>
  Buffer.from(`${entry.at.getTime()}.${entry._id.toHexString()}`).toString('base64url');

function decodeCursor(cursor: string): { at: Date; id: Types.ObjectId } | null {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('.');
  if (!at || !/^\d+$/.test(at) || !id || !Types.ObjectId.isValid(id)) return null;
  return { at: new Date(Number(at)), id: new Types.ObjectId(id) };
}

export const isValidCursor = (cursor: string) => decodeCursor(cursor) !== null;

const present = (doc: AuditEntryDoc): AuditEntry => ({
  id: doc._id.toHexString(),
  at: doc.at.toISOString(),
  actor: {
    id: doc.actorId?.toHexString() ?? null,
    kind: doc.actorKind,
    credentialId: doc.credentialId?.toHexString() ?? null,
  },
  action: doc.action,
  target: doc.targetType && doc.targetId ? { type: doc.targetType, id: doc.targetId } : null,
  ip: doc.ip,
  userAgent: doc.userAgent,
  requestId: doc.requestId,
  details: doc.details ?? {},
});

export function createAuditLog(connection: Connection, clock: () => Date = () => new Date()) {
  const Audit = auditModel(connection);

  async function record(entry: AuditRecord): Promise<void> {
    await Audit.create({
      at: clock(),
      actorId: objectId(entry.actor.id),
      actorKind: entry.actor.kind,
      credentialId: objectId(entry.actor.credentialId),
      action: entry.action,
      targetType: entry.target?.type ?? null,
      targetId: entry.target?.id ?? null,
      ip: entry.ip ?? null,
      userAgent: entry.userAgent ?? null,
      requestId: entry.requestId ?? null,
      details: entry.details ?? {},
    });
  }

  return {
    record,

    /** Records an action by the request's staff member, from the request's address. */
    recordRequest(
      req: Request,
      action: string,
      target?: AuditTarget | null,
      details?: AuditDetails,
    ): Promise<void> {
      return record({ ...requestActor(req), action, target, details });
    },

    /**
     * For the case API: call on every read of personal data, and await it before answering, so
     * no personal data leaves without its audit entry. `fields` names what was shown (not values).
     */
    personalDataRead(req: Request, target: AuditTarget, fields?: string[]): Promise<void> {
      return record({
        ...requestActor(req),
        action: AUDIT_ACTIONS.personalDataRead,
        target,
        details: fields ? { fields } : {},
      });
    },

    async list(filter: AuditFilter): Promise<{ items: AuditEntry[]; nextCursor: string | null }> {
      const query: QueryFilter<AuditEntryDoc> = {};
      if (filter.actor) query.actorId = objectId(filter.actor);
      if (filter.action) query.action = filter.action;
      if (filter.targetType) query.targetType = filter.targetType;
      if (filter.targetId) query.targetId = filter.targetId;
      if (filter.from || filter.to)
        query.at = {
          ...(filter.from ? { $gte: filter.from } : {}),
          ...(filter.to ? { $lt: filter.to } : {}),
        };
      const after = filter.cursor ? decodeCursor(filter.cursor) : null;
      if (after) query.$or = [{ at: { $lt: after.at } }, { at: after.at, _id: { $lt: after.id } }];
      const docs = await Audit.find(query)
        .sort({ at: -1, _id: -1 })
        .limit(filter.limit + 1)
        .lean<AuditEntryDoc[]>();
      const page = docs.slice(0, filter.limit);
      const last = page.at(-1);
      return {
        items: page.map(present),
        nextCursor: docs.length > filter.limit && last ? encodeCursor(last) : null,
      };
    },

    /** For a scheduled job: deletes entries older than the retention period. */
    async purgeOlderThan(days: number, now: Date = clock()): Promise<number> {
      if (!Number.isFinite(days) || days < 1) throw new Error('audit retention must be at least one day');
      const result = await Audit.deleteMany({ at: { $lt: new Date(now.getTime() - days * 86_400_000) } });
      return result.deletedCount;
    },
  };
}

export type AuditLog = ReturnType<typeof createAuditLog>;
