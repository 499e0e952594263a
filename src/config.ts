import { z } from 'zod';

/** LINE's SDK builds URLs with `new URL('/v2/...', base)`, silently dropping any path in the base. */
const lineOrigin = (fallback: string) =>
  z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://api.line.me' })
    .default(fallback)
    .refine((value) => new URL(value).pathname === '/', {
      error: 'must be an origin only (no path): the LINE SDK drops any path',
    })
    .transform((value) => new URL(value).origin);

const optionalSecret = z
  .string()
  .trim()
  .optional()
  .transform((value) => (value === '' ? undefined : value));

const days = (fallback: number) =>
  z.coerce
    .number({ error: 'must be a whole number of days (1 or more)' })
    .int({ error: 'must be a whole number of days (1 or more)' })
    .min(1, { error: 'must be a whole number of days (1 or more)' })
    .default(fallback);

const SURVEY_DAYS = 'must be a whole number of days from 30 to 1095 (the survey notice says at most 3 years)';

/** What express's `trust proxy` takes: off, a number of hops, or the proxies' addresses. */
export type TrustProxy = false | number | string;

/** How long a reporter's status news waits for a free reply or more news (NOTIFY_COALESCE_MINUTES). */
export const DEFAULT_COALESCE_MINUTES = 3;

export const envSchema = z.object({
  PORT: z.coerce
    .number({ error: 'must be a whole number between 1 and 65535' })
    .int({ error: 'must be a whole number between 1 and 65535' })
    .min(1, { error: 'must be a whole number between 1 and 65535' })
    .max(65535, { error: 'must be a whole number between 1 and 65535' })
    .default(3000),
  MONGODB_URI: optionalSecret.refine((value) => value === undefined || /^mongodb(\+srv)?:\/\//.test(value), {
    error: 'must start with mongodb:// or mongodb+srv:// (leave it unset for the embedded database)',
  }),
  LINE_CHANNEL_SECRET: optionalSecret.refine(
    (value) => value === undefined || /^[0-9a-f]{32}$/i.test(value),
    {
      error:
        'must be the 32-character hex "Channel secret" from the LINE Developers console (Basic settings)',
    },
  ),
  LINE_CHANNEL_ACCESS_TOKEN: optionalSecret.refine((value) => value === undefined || value.length >= 20, {
    error:
      'must be the long-lived "Channel access token" from the LINE Developers console (Messaging API tab)',
  }),
  LINE_API_BASE_URL: lineOrigin('https://api.line.me'),
  LINE_DATA_API_BASE_URL: lineOrigin('https://api-data.line.me'),
  PUBLIC_BASE_URL: z
    .url({ protocol: /^https?$/, error: 'must be the public http(s) address of this service' })
    .optional()
    .transform((value) => value?.replace(/\/+$/, '')),
  ADMIN_EMAIL: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.email({ error: 'must be an email address' }).optional(),
  ),
  ADMIN_PASSWORD: optionalSecret.refine((value) => value === undefined || value.length >= 12, {
    error: 'must be at least 12 characters',
  }),
  DEFAULT_LOCALE: z.enum(['th', 'en', 'hmn'], { error: 'must be one of th, en, hmn' }).default('th'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  NEEDLINE_DATA_DIR: z.string().min(1).default('.data'),
  /**
   * Which proxies in front of the service may say who the client is (X-Forwarded-For). Off by default:
   * a directly published port must not let any client name its own address.
   */
  TRUST_PROXY: z
    .string()
    .trim()
    .optional()
    .transform((value, ctx): TrustProxy => {
      if (value === undefined || value === '' || value === 'false' || value === '0') return false;
      if (/^\d+$/.test(value)) return Number(value);
      const items = value.split(',').map((item) => item.trim());
      const ok = items.every(
        (item) =>
          ['loopback', 'linklocal', 'uniquelocal'].includes(item) ||
          /^[0-9a-fA-F.:]+(\/\d{1,3})?$/.test(item),
      );
      if (!ok) {
        ctx.addIssue({
          code: 'custom',
          message:
            'must be a number of proxies (e.g. 1), or addresses/subnets of your proxies (e.g. 10.0.0.0/8,loopback); leave it unset when clients reach the service directly',
        });
        return false;
      }
      return items.join(',');
    }),
  EVENT_SETTLE_MS: z.coerce
    .number({ error: 'must be a whole number of milliseconds' })
    .int({ error: 'must be a whole number of milliseconds' })
    .min(0, { error: 'must be between 0 and 2000' })
    .max(2000, { error: 'must be between 0 and 2000' })
    .default(100),
  FOUNDATION_PHONE: z
    .string()
    .trim()
    .regex(/^(\+66|0)[\d -]{8,12}$/, { error: 'must be a Thai phone number, e.g. 02-123-4567' })
    .optional(),
  PRIVACY_EMAIL: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.email({ error: 'must be an email address' }).optional(),
  ),
  /** The public page and open data hide any figure resting on fewer households than this. */
  PUBLIC_MIN_CELL_SIZE: z.coerce
    .number({ error: 'must be a whole number from 3 to 100' })
    .int({ error: 'must be a whole number from 3 to 100' })
    .min(3, { error: 'must be a whole number from 3 to 100' })
    .max(100, { error: 'must be a whole number from 3 to 100' })
    .default(5),
  LINE_ADD_FRIEND_URL: z
    .url({ protocol: /^https$/, error: 'must be the https add-friend link of the LINE Official Account' })
    .optional(),
  LINE_ADD_FRIEND_QR_URL: z
    .url({ protocol: /^https$/, error: 'must be the https address of the add-friend QR code image' })
    .optional(),
  /**
   * How long a reporter's status news waits before its push: for them to write (the news then goes
   * in the free reply) and for more news to join it (one push for all). 0 pushes at once.
   */
  NOTIFY_COALESCE_MINUTES: z.coerce
    .number({ error: 'must be a whole number of minutes from 0 to 60' })
    .int({ error: 'must be a whole number of minutes from 0 to 60' })
    .min(0, { error: 'must be a whole number of minutes from 0 to 60' })
    .max(60, { error: 'must be a whole number of minutes from 0 to 60' })
    .default(DEFAULT_COALESCE_MINUTES),
  SLA_ESCALATION_DAYS: days(7),
  RETENTION_CLOSED_CASE_DAYS: days(365),
  RETENTION_WITHDRAWN_CONSENT_GRACE_DAYS: days(30),
  RETENTION_AUDIT_DAYS: days(365),
  /** Campaign surveys: the survey notice promises at most 3 years, so no more is accepted. */
  RETENTION_SURVEY_DAYS: z.coerce
    .number({ error: SURVEY_DAYS })
    .int({ error: SURVEY_DAYS })
    .min(30, { error: SURVEY_DAYS })
    .max(1095, { error: SURVEY_DAYS })
    .default(1095),
  RETENTION_MEDIA_GRACE_HOURS: z.coerce
    .number({ error: 'must be a whole number of hours' })
    .int({ error: 'must be a whole number of hours' })
    .min(1, { error: 'must be between 1 and 168' })
    .max(168, { error: 'must be between 1 and 168' })
    .default(6),
});

const present = (value: string | undefined) => value !== undefined && value.trim() !== '';

/** Rules across variables, checked on the raw values so they are reported with every other problem. */
function crossFieldProblems(env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  const hasSecret = present(env.LINE_CHANNEL_SECRET);
  const hasToken = present(env.LINE_CHANNEL_ACCESS_TOKEN);
  if (hasSecret !== hasToken) {
    problems.push(
      `${hasSecret ? 'LINE_CHANNEL_ACCESS_TOKEN' : 'LINE_CHANNEL_SECRET'} is missing while the other LINE credential is set: set both for a real LINE channel, or neither for sandbox mode`,
    );
  }
  if (hasSecret && hasToken && !present(env.PUBLIC_BASE_URL)) {
    problems.push(
      'PUBLIC_BASE_URL is required with a real LINE channel: the https address LINE reaches, e.g. https://needline.example.org',
    );
  }
  if (hasSecret && hasToken) {
    for (const name of ['FOUNDATION_PHONE', 'PRIVACY_EMAIL'] as const) {
      if (!present(env[name])) {
        problems.push(
          `${name} is required with a real LINE channel: the PDPA notice gives people this contact (the sandbox uses a placeholder)`,
        );
      }
    }
  }
  // Sandbox mode opens /sandbox and prints an admin password: never by accident on a production host.
  if (env.NODE_ENV === 'production' && !hasSecret && !hasToken && env.SANDBOX !== '1') {
    problems.push(
      'NODE_ENV is production but LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN are not set: set them for the real LINE channel, or set SANDBOX=1 to run the sandbox (emulated LINE, open /sandbox) on purpose',
    );
  }
  if (present(env.ADMIN_EMAIL) !== present(env.ADMIN_PASSWORD)) {
    problems.push(
      `${present(env.ADMIN_EMAIL) ? 'ADMIN_PASSWORD' : 'ADMIN_EMAIL'} is missing: set ADMIN_EMAIL and ADMIN_PASSWORD together, or neither`,
    );
  }
  return problems;
}

export type Env = z.infer<typeof envSchema>;

export type Config = Env & {
  /** Real LINE channel, or the built-in emulator. */
  lineMode: 'line' | 'sandbox';
  /** An operator-provided MongoDB, or the embedded one from the resolver. */
  databaseMode: 'external' | 'embedded';
};

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[] };

export function parseConfig(env: NodeJS.ProcessEnv): ConfigResult {
  const result = envSchema.safeParse(env);
  // Never echo a value: it may be a secret.
  const problems = [
    ...(result.success
      ? []
      : result.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'} ${issue.message}`)),
    ...crossFieldProblems(env),
  ];
  if (!result.success || problems.length > 0) return { ok: false, problems };
  const parsed = result.data;
  return {
    ok: true,
    config: {
      ...parsed,
      lineMode: parsed.LINE_CHANNEL_SECRET ? 'line' : 'sandbox',
      databaseMode: parsed.MONGODB_URI ? 'external' : 'embedded',
    },
  };
}

export function formatProblems(problems: string[]): string {
  return [
    'NeedLine cannot start: the configuration has problems.',
    ...problems.map((problem) => `  - ${problem}`),
    'Set these in the environment or in a .env file (see .env.example for every variable).',
  ].join('\n');
}
