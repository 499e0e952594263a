/**
 * The two child processes of `npm run bench:webhook`, so that each one's CPU is its own:
 * `emulator` (the LINE API emulator, telling the bench when each message arrives) and `service`
 * (the real service, counting its database commands). Run as `tsx webhook-children.ts <role>`.
 */
import { parseConfig } from '../config';
import { startLineEmulator } from '../line-emulator';
import { createLogger } from '../logger';
import { startService } from '../service';

export type FromEmulator = { kind: 'ready'; url: string } | { kind: 'sent'; to: string; at: number };
export type FromService = { kind: 'ready'; url: string } | { kind: 'counts'; counts: Record<string, number> };

const send = (message: FromEmulator | FromService) => process.send?.(message);

async function emulator(): Promise<void> {
  const running = await startLineEmulator({
    channelAccessToken: process.env.BENCH_TOKEN,
    // Checking every request against LINE's OpenAPI is the tests' job; here it would slow LINE's side.
    validateWithOpenApi: false,
  });
  running.onMessage((message) => send({ kind: 'sent', to: message.to, at: Date.now() }));
  // The bench's users say who they are when asked for a profile.
  process.on('message', (message: { kind: string; userIds?: string[]; tokens?: [string, string][] }) => {
    if (message.kind !== 'users') return;
    for (const userId of message.userIds ?? [])
      running.addUser({ userId, displayName: 'Bench', language: 'en' });
    // The reply tokens the bench's events carry, as LINE would have issued them.
    for (const [chatId, token] of message.tokens ?? []) running.issueReplyToken(chatId, token);
  });
  send({ kind: 'ready', url: running.url });
}

async function service(): Promise<void> {
  const parsed = parseConfig(process.env);
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  const running = await startService({
    config: parsed.config,
    logger: createLogger('error'),
    monitorCommands: true,
    dbName: process.env.BENCH_DB_NAME,
    port: 0,
  });
  process.on('message', (message: { kind: string }) => {
    if (message.kind === 'counts') send({ kind: 'counts', counts: running.database.commandCounts() });
    // A normal exit, so that --cpu-prof (BENCH_PROFILE) writes its profile.
    if (message.kind === 'exit') void running.stop().then(() => process.exit(0));
  });
  send({ kind: 'ready', url: running.url });
}

const role = process.argv[2];
(role === 'emulator'
  ? emulator()
  : role === 'service'
    ? service()
    : Promise.reject(new Error(`role ${role}?`))
).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
