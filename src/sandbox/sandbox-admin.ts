import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Sandbox mode only: a console login for the newcomer, generated once and kept (git-ignored) in the
 * data folder, so it stays valid across restarts and can be printed at every start.
 */
export function sandboxAdmin(dataDir: string): { email: string; password: string } {
  const file = path.join(dataDir, 'sandbox-admin.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as { email: string; password: string };
  const admin = { email: 'admin@sandbox.needline.local', password: randomBytes(12).toString('base64url') };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify(admin), { mode: 0o600 });
  return admin;
}
