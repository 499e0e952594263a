import type { Role } from './permissions';

/** The authenticated staff member behind a request, and the credential they presented. */
export type StaffPrincipal = {
  id: string;
  email: string;
  name: string;
  role: Role;
  provinces: string[];
  credential: { id: string; kind: 'session' | 'api'; expiresAt: Date | null };
};

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by requireAuth. */
    staff?: StaffPrincipal;
  }
}
