import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { ROLES, type Role } from './permissions';
import { modelOn } from '../db/models';

export type StaffDoc = {
  _id: Types.ObjectId;
  email: string;
  name: string;
  role: Role;
  /** DOPA province codes (2 digits); only caseworkers have any. */
  provinces: string[];
  active: boolean;
  passwordHash: string;
  createdAt: Date;
  updatedAt: Date;
};

/** A login session or an integration's API token: only the SHA-256 of the token is stored. */
export type CredentialDoc = {
  _id: Types.ObjectId;
  tokenHash: string;
  kind: 'session' | 'api';
  staffId: Types.ObjectId;
  /** API tokens only: what the integration is. */
  name?: string;
  createdBy?: Types.ObjectId;
  createdAt: Date;
  lastUsedAt: Date;
  /** Sessions slide up to `hardExpiresAt`; API tokens may have no expiry (null). */
  expiresAt: Date | null;
  hardExpiresAt: Date | null;
};

/** Failed logins per email (hashed) or IP, shared by every instance. */
export type LoginThrottleDoc = {
  _id: Types.ObjectId;
  key: string;
  failures: number;
  windowStart: Date;
  lockedUntil: Date;
};

const staffSchema = new Schema<StaffDoc>(
  {
    email: { type: String, required: true, lowercase: true, trim: true },
    name: { type: String, required: true, trim: true },
    role: { type: String, required: true, enum: ROLES },
    provinces: { type: [String], default: [] },
    active: { type: Boolean, required: true, default: true },
    passwordHash: { type: String, required: true },
  },
  { collection: 'staff', timestamps: true },
);
staffSchema.index({ email: 1 }, { unique: true });
staffSchema.index({ role: 1, active: 1 });

const credentialSchema = new Schema<CredentialDoc>(
  {
    tokenHash: { type: String, required: true },
    kind: { type: String, required: true, enum: ['session', 'api'] },
    staffId: { type: Schema.Types.ObjectId, required: true },
    name: { type: String },
    createdBy: { type: Schema.Types.ObjectId },
    createdAt: { type: Date, required: true },
    lastUsedAt: { type: Date, required: true },
    expiresAt: { type: Date, default: null },
    hardExpiresAt: { type: Date, default: null },
  },
  { collection: 'staff_credentials' },
);
credentialSchema.index({ tokenHash: 1 }, { unique: true });
credentialSchema.index({ staffId: 1, kind: 1 });
credentialSchema.index({ kind: 1, createdAt: -1 });
// Purged by a scheduled job: TTL indexes do not exist on FerretDB.
credentialSchema.index({ expiresAt: 1 });

const loginThrottleSchema = new Schema<LoginThrottleDoc>(
  {
    key: { type: String, required: true },
    failures: { type: Number, required: true, default: 0 },
    windowStart: { type: Date, required: true },
    lockedUntil: { type: Date, required: true },
  },
  { collection: 'login_throttles' },
);
loginThrottleSchema.index({ key: 1 }, { unique: true });
loginThrottleSchema.index({ windowStart: 1 });

export type StaffModels = {
  Staff: Model<StaffDoc>;
  Credential: Model<CredentialDoc>;
  LoginThrottle: Model<LoginThrottleDoc>;
};

/**
 * The staff models on this connection (created once per connection). Call before
 * `database.ensureIndexes()` so their indexes are built at start.
 */
export function staffModels(connection: Connection): StaffModels {
  return {
    Staff: modelOn(connection, 'Staff', staffSchema),
    Credential: modelOn(connection, 'StaffCredential', credentialSchema),
    LoginThrottle: modelOn(connection, 'LoginThrottle', loginThrottleSchema),
  };
}
