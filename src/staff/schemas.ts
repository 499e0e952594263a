import { z } from 'zod';
import { ROLES } from './permissions';

export const objectIdSchema = z
  .string()
  .regex(/^[0-9a-f]{24}$/i, { error: 'must be a 24-character hexadecimal id' })
  .transform((id) => id.toLowerCase());

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .pipe(z.email({ error: 'must be an email address' }))
  // The published schema describes the input side of the pipe, which would lose the format.
  .meta({ format: 'email' });

export const newPasswordSchema = z
  .string()
  .min(12, { error: 'must be at least 12 characters' })
  .max(256, { error: 'must be at most 256 characters' });

export const roleSchema = z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` });

/** DOPA geocodes of provinces, e.g. 10 (Bangkok) or 50 (Chiang Mai). */
export const provincesSchema = z
  .array(z.string().regex(/^\d{2}$/, { error: 'must be a 2-digit DOPA province code' }))
  .max(77)
  .transform((codes) => [...new Set(codes)]);

const nameSchema = z.string().trim().min(1, { error: 'must not be empty' }).max(120);

export const idParams = z.object({ id: objectIdSchema });

export const loginBody = z.strictObject({
  email: emailSchema,
  password: z.string().min(1, { error: 'must not be empty' }).max(1024),
});

/** Caseworkers see the cases of their provinces; coordinators are told about theirs (none: the whole country). */
export const ROLES_WITH_PROVINCES = ['caseworker', 'coordinator'];

const provincesOnlyForCaseworkers = (
  value: { role?: string; provinces?: string[] },
  ctx: z.RefinementCtx,
) => {
  if (
    value.role &&
    !ROLES_WITH_PROVINCES.includes(value.role) &&
    value.provinces &&
    value.provinces.length > 0
  )
    ctx.addIssue({
      code: 'custom',
      path: ['provinces'],
      message: 'only caseworkers and coordinators have provinces',
    });
};

export const createStaffBody = z
  .strictObject({
    email: emailSchema,
    name: nameSchema,
    role: roleSchema,
    provinces: provincesSchema.default([]),
    password: newPasswordSchema,
  })
  .superRefine(provincesOnlyForCaseworkers);

export const updateStaffBody = z
  .strictObject({
    name: nameSchema.optional(),
    role: roleSchema.optional(),
    provinces: provincesSchema.optional(),
    active: z.boolean().optional(),
    /** An admin's reset; it signs the member out everywhere. */
    password: newPasswordSchema.optional(),
  })
  .superRefine(provincesOnlyForCaseworkers)
  .refine((value) => Object.values(value).some((field) => field !== undefined), {
    error: 'give at least one of name, role, provinces, active, password',
  });

export const listStaffQuery = z.strictObject({
  role: roleSchema.optional(),
  active: z.enum(['true', 'false']).optional(),
});

export const API_TOKEN_DEFAULT_DAYS = 90;

export const createTokenBody = z.strictObject({
  name: z.string().trim().min(1, { error: 'must not be empty' }).max(80),
  /** The staff account the integration acts as (its role applies); the creating admin when omitted. */
  staffId: objectIdSchema.optional(),
  /** Tokens expire: 90 days unless the admin chooses another period, up to ten years. */
  expiresInDays: z.number().int().min(1).max(3650).default(API_TOKEN_DEFAULT_DAYS),
});

export const staffView = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: roleSchema,
  provinces: z.array(z.string()),
  active: z.boolean(),
  createdAt: z.string(),
});

export const loginResponse = z.object({
  token: z.string(),
  expiresAt: z.string(),
  staff: staffView.pick({ id: true, email: true, name: true, role: true }),
});

export const tokenView = z.object({
  id: z.string(),
  name: z.string(),
  staffId: z.string(),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  lastUsedAt: z.string(),
  expiresAt: z.string().nullable(),
});
