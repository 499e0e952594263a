import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * scrypt from Node itself: memory-hard, and no native package to build (argon2 is not in Node 20).
 * OWASP's minimum for scrypt: N=2^17, r=8, p=1 (128 MiB, about a third of a second here). The
 * parameters travel with each hash: older, weaker hashes still verify and are replaced at the next
 * sign-in (`needsRehash`).
 */
const DEFAULT = { logN: 17, r: 8, p: 1 };
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
const FORMAT =
  /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

function derive(password: string, salt: Buffer, params: typeof DEFAULT): Promise<Buffer> {
  const N = 2 ** params.logN;
  const options: ScryptOptions = {
    N,
    r: params.r,
    p: params.p,
    // Node refuses anything above 32 MiB by default; scrypt needs 128 * N * r bytes.
    maxmem: 128 * N * params.r * params.p + 16 * 1024 * 1024,
  };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(password, salt, DEFAULT);
  return `$scrypt$ln=${DEFAULT.logN},r=${DEFAULT.r},p=${DEFAULT.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const match = FORMAT.exec(stored);
  if (!match) return false;
  const [, logN, r, p, salt, hash] = match as unknown as [string, string, string, string, string, string];
  const expected = Buffer.from(hash, 'base64');
  const key = await derive(password, Buffer.from(salt, 'base64'), {
    logN: Number(logN),
    r: Number(r),
    p: Number(p),
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A hash made with weaker parameters than today's (or unreadable): replace it while the password is at hand. */
export function needsRehash(stored: string): boolean {
  const match = FORMAT.exec(stored);
  if (!match) return true;
  return Number(match[1]) < DEFAULT.logN || Number(match[2]) < DEFAULT.r || Number(match[3]) < DEFAULT.p;
}

/** The hash of a random password nobody kept; it matches no input. Same parameters as new hashes. */
const UNKNOWABLE_HASH =
  '$scrypt$ln=17,r=8,p=1$jrznh6lEXsAIMWPbl+TVFA==$lgblif6o03q4tAn3IUix55Z2Pv3tdrgB1likKO2p9S0=';

/**
 * Checks a password against a hash nobody knows: an unknown email costs as much time as a wrong
 * password, so timing does not tell which emails have accounts.
 */
export async function burnPasswordCheck(password: string): Promise<false> {
  await verifyPassword(password, UNKNOWABLE_HASH);
  return false;
}
