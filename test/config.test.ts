import { formatProblems, parseConfig } from '../src/config';

const SECRET = '0123456789abcdef0123456789abcdef';
const TOKEN = 'a'.repeat(40);

describe('configuration', () => {
  it('starts in sandbox mode with the embedded database when nothing is set', () => {
    const result = parseConfig({});
    expect(result).toMatchObject({
      ok: true,
      config: { PORT: 3000, DEFAULT_LOCALE: 'th', lineMode: 'sandbox', databaseMode: 'embedded' },
    });
    if (result.ok) {
      expect(result.config.LINE_API_BASE_URL).toBe('https://api.line.me');
      expect(result.config.LINE_DATA_API_BASE_URL).toBe('https://api-data.line.me');
    }
  });

  it('is production with both LINE credentials, a public URL and MONGODB_URI', () => {
    const result = parseConfig({
      LINE_CHANNEL_SECRET: SECRET,
      LINE_CHANNEL_ACCESS_TOKEN: TOKEN,
      PUBLIC_BASE_URL: 'https://needline.example.org/',
      MONGODB_URI: 'mongodb://db:27017/needline',
      FOUNDATION_PHONE: '02-123-4567',
      PRIVACY_EMAIL: 'privacy@example.org',
    });
    expect(result).toMatchObject({
      ok: true,
      config: { lineMode: 'line', databaseMode: 'external', PUBLIC_BASE_URL: 'https://needline.example.org' },
    });
  });

  it('lists every problem at once, never echoing a value', () => {
    const result = parseConfig({
      PORT: 'eighty',
      LINE_CHANNEL_SECRET: 'not-hex-and-secret-value',
      DEFAULT_LOCALE: 'fr',
      LINE_API_BASE_URL: 'http://127.0.0.1:4010/v2',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const text = formatProblems(result.problems);
    expect(text).toMatch(/PORT must be a whole number/);
    expect(text).toMatch(/LINE_CHANNEL_SECRET must be the 32-character hex/);
    expect(text).toMatch(/LINE_CHANNEL_ACCESS_TOKEN is missing/);
    expect(text).toMatch(/DEFAULT_LOCALE must be one of th, en, hmn/);
    expect(text).toMatch(/LINE_API_BASE_URL must be an origin only/);
    expect(text).not.toContain('not-hex-and-secret-value');
  });

  it('requires the contact for the PDPA notice with a real LINE channel', () => {
    const result = parseConfig({
      LINE_CHANNEL_SECRET: SECRET,
      LINE_CHANNEL_ACCESS_TOKEN: TOKEN,
      PUBLIC_BASE_URL: 'https://needline.example.org',
      FOUNDATION_PHONE: 'call us',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^FOUNDATION_PHONE must be a Thai phone number/),
        expect.stringMatching(/^PRIVACY_EMAIL is required with a real LINE channel/),
      ]),
    );
  });

  it('refuses a half-set LINE configuration', () => {
    const result = parseConfig({ LINE_CHANNEL_ACCESS_TOKEN: TOKEN });
    expect(result).toEqual({
      ok: false,
      problems: [
        expect.stringMatching(/^LINE_CHANNEL_SECRET is missing while the other LINE credential is set/),
      ],
    });
  });

  it('requires the admin email and password together, with a strong password', () => {
    expect(parseConfig({ ADMIN_EMAIL: 'admin@example.org' })).toMatchObject({ ok: false });
    expect(parseConfig({ ADMIN_EMAIL: 'admin@example.org', ADMIN_PASSWORD: 'short' })).toMatchObject({
      ok: false,
    });
    expect(
      parseConfig({ ADMIN_EMAIL: 'admin@example.org', ADMIN_PASSWORD: 'long enough secret' }),
    ).toMatchObject({
      ok: true,
    });
  });

  it('treats empty values like unset ones', () => {
    expect(
      parseConfig({ LINE_CHANNEL_SECRET: '', LINE_CHANNEL_ACCESS_TOKEN: '', MONGODB_URI: '' }),
    ).toMatchObject({
      ok: true,
      config: { lineMode: 'sandbox', databaseMode: 'embedded' },
    });
  });

  it('refuses sandbox mode under NODE_ENV=production unless SANDBOX=1 asks for it', () => {
    const refused = parseConfig({ NODE_ENV: 'production' });
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.problems).toHaveLength(1);
      expect(refused.problems[0]).toMatch(/NODE_ENV is production.*SANDBOX=1/);
    }
    expect(parseConfig({ NODE_ENV: 'production', SANDBOX: '1' })).toMatchObject({
      ok: true,
      config: { lineMode: 'sandbox' },
    });
    expect(parseConfig({ NODE_ENV: 'development' }).ok).toBe(true);
  });

  it('trusts no proxy unless told which, and refuses what it cannot read', () => {
    const parsed = (value?: string) => {
      const result = parseConfig(value === undefined ? {} : { TRUST_PROXY: value });
      return result.ok ? result.config.TRUST_PROXY : 'refused';
    };
    expect(parsed()).toBe(false);
    expect(parsed('false')).toBe(false);
    expect(parsed('1')).toBe(1);
    expect(parsed('10.0.0.0/8, loopback')).toBe('10.0.0.0/8,loopback');
    expect(parsed('everyone')).toBe('refused');
  });
});
