import { createSession, findLiveCredential } from './credentials';
import type { StaffDoc, StaffModels } from './models';
import { burnPasswordCheck, hashPassword, needsRehash, verifyPassword } from './password';
import type { StaffPrincipal } from './principal';
import { DEFAULT_LOGIN_LIMITS, loginThrottle, type LoginLimits } from './throttle';

export type LoginResult =
  | { ok: true; staff: StaffDoc; token: string; expiresAt: Date; sessionId: string }
  | {
      ok: false;
      reason: 'invalid';
      staffId: string | null;
      /** The account has just been tried often enough from anywhere to tell admins (once per window). */
      guessedSince?: Date;
    }
  | { ok: false; reason: 'locked'; until: Date };

export function principalOf(staff: StaffDoc, credential: StaffPrincipal['credential']): StaffPrincipal {
  return {
    id: staff._id.toHexString(),
    email: staff.email,
    name: staff.name,
    role: staff.role,
    provinces: staff.provinces ?? [],
    credential,
  };
}

export function createAuthService(
  models: StaffModels,
  clock: () => Date,
  limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
) {
  const throttle = loginThrottle(models, limits);

  return {
    limits,
    /**
     * Unknown email, wrong password and deactivated account give the same answer after the same
     * work (one scrypt check), so the answer does not reveal who has an account.
     */
    async login(input: { email: string; password: string; ip: string }): Promise<LoginResult> {
      const email = input.email.trim().toLowerCase();
      const now = clock();
      const until = await throttle.lockedUntil(email, input.ip, now);
      if (until) return { ok: false, reason: 'locked', until };

      const staff = await models.Staff.findOne({ email }).lean<StaffDoc>();
      const passwordOk = staff
        ? await verifyPassword(input.password, staff.passwordHash)
        : await burnPasswordCheck(input.password);
      if (!staff || !passwordOk || !staff.active) {
        const { guessedSince } = await throttle.recordFailure(email, input.ip, now);
        return {
          ok: false,
          reason: 'invalid',
          staffId: staff ? staff._id.toHexString() : null,
          ...(staff && guessedSince ? { guessedSince } : {}),
        };
      }
      await throttle.recordSuccess(email, input.ip);
      if (needsRehash(staff.passwordHash))
        await models.Staff.updateOne(
          { _id: staff._id, passwordHash: staff.passwordHash },
          { $set: { passwordHash: await hashPassword(input.password) } },
        );
      const { token, expiresAt, sessionId } = await createSession(models, staff._id, now);
      return { ok: true, staff, token, expiresAt, sessionId };
    },

    /** The staff member behind a bearer token, or null when the token is unknown, expired or the account inactive. */
    async authenticate(token: string): Promise<StaffPrincipal | null> {
      const credential = await findLiveCredential(models, token, clock());
      if (!credential) return null;
      const staff = await models.Staff.findById(credential.staffId).lean<StaffDoc>();
      if (!staff || !staff.active) return null;
      return principalOf(staff, {
        id: credential._id.toHexString(),
        kind: credential.kind,
        expiresAt: credential.expiresAt,
      });
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
