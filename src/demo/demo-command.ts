import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { formatProblems, parseConfig } from '../config';

export type CommandIo = { log: (line: string) => void; error: (line: string) => void };

/**
 * `npm run demo` (add) and `npm run demo -- --remove`: asks the running service, signed in as its
 * admin, so the embedded database is only ever opened by the service itself. Refused outright when
 * LINE credentials are set: demo data never goes near a real channel.
 */
export async function runDemoCommand(env: NodeJS.ProcessEnv, args: string[], io: CommandIo): Promise<number> {
  const parsed = parseConfig(env);
  if (!parsed.ok) {
    io.error(formatProblems(parsed.problems));
    return 1;
  }
  const config = parsed.config;
  if (config.lineMode === 'line') {
    io.error(
      'Refused: LINE credentials are set. Demo data is only for the sandbox (no LINE_CHANNEL_SECRET).',
    );
    return 1;
  }
  const remove = args.includes('--remove');
  const base = (env.NEEDLINE_URL ?? `http://127.0.0.1:${config.PORT}`).replace(/\/+$/, '');
  const adminFile = path.join(config.NEEDLINE_DATA_DIR, 'sandbox-admin.json');
  const admin =
    config.ADMIN_EMAIL && config.ADMIN_PASSWORD
      ? { email: config.ADMIN_EMAIL, password: config.ADMIN_PASSWORD }
      : existsSync(adminFile)
        ? (JSON.parse(readFileSync(adminFile, 'utf8')) as { email: string; password: string })
        : undefined;
  if (!admin) {
    io.error(`No admin login found (${adminFile}): start NeedLine first with npm start.`);
    return 1;
  }

  let login: Response;
  try {
    login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(admin),
    });
  } catch {
    io.error(`NeedLine is not answering at ${base}: start it first with npm start, then run npm run demo.`);
    return 1;
  }
  if (!login.ok) {
    io.error(`Signing in as ${admin.email} failed (${login.status}).`);
    return 1;
  }
  const { token } = (await login.json()) as { token: string };
  const headers = { authorization: `Bearer ${token}` };
  try {
    const res = await fetch(`${base}/api/demo`, { method: remove ? 'DELETE' : 'POST', headers });
    const body = (await res.json()) as Record<string, unknown>;
    if (!res.ok) {
      const error = body.error as { message?: string } | undefined;
      io.error(`Refused (${res.status}): ${error?.message ?? 'unknown error'}`);
      return 1;
    }
    if (remove) {
      const removed = Object.values(body.removed as Record<string, number>).reduce((a, b) => a + b, 0);
      io.log(`Demo data removed: ${removed} documents.`);
    } else {
      io.log(
        `Demo data added: ${String(body.cases)} cases, ${String(body.photos)} photos, ${String(body.volunteers)} volunteers, ${String(body.broadcasts)} broadcasts, ${String(body.handoffs)} hand-off, ${String(body.stories)} stories.`,
      );
      io.log(`  console: ${base}/console   public page: ${base}/public`);
      io.log('  remove it with: npm run demo -- --remove');
    }
    return 0;
  } finally {
    await fetch(`${base}/api/auth/logout`, { method: 'POST', headers }).catch(() => undefined);
  }
}
