import { badRequest, notFound } from '../errors';
import type { EmulatorEnv } from '../env';
import type { RequestContext, Router } from '../http';
import type { ContentEntry, Fault, RecordedCall, SentMessage, UserProfile } from '../types';

/**
 * Admin endpoints under /__emulator for the sandbox page and for tests in another process.
 * No authentication: the server answers them to loopback callers only.
 */

const MAX_WAIT_MS = 30_000;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function objectBody(ctx: RequestContext): Record<string, unknown> {
  const body = ctx.json() ?? {};
  if (!isObject(body)) throw badRequest('The request body must be a JSON object');
  return body;
}

function profileFrom(value: unknown): UserProfile {
  if (!isObject(value) || typeof value.userId !== 'string' || typeof value.displayName !== 'string') {
    throw badRequest('A user needs userId and displayName strings');
  }
  const profile: UserProfile = { userId: value.userId, displayName: value.displayName };
  for (const key of ['language', 'pictureUrl', 'statusMessage'] as const) {
    if (typeof value[key] === 'string') profile[key] = value[key] as string;
  }
  return profile;
}

/** A JSON-safe view of a recorded call (binary bodies are already summaries). */
const callView = (call: RecordedCall) => ({ ...call });

export function richMenuStateView(env: EmulatorEnv) {
  const { state } = env;
  return {
    menus: [...state.richMenus.values()],
    images: Object.fromEntries(
      [...state.richMenuImages].map(([id, image]) => [
        id,
        { contentType: image.contentType, size: image.data.length },
      ]),
    ),
    aliases: Object.fromEntries(state.aliases),
    defaultId: state.defaultRichMenuId,
    userLinks: Object.fromEntries(state.userLinks),
  };
}

function waitForMessage(
  env: EmulatorEnv,
  matches: (m: SentMessage) => boolean,
  waitMs: number,
): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, waitMs);
    function listener(message: SentMessage) {
      if (matches(message)) done();
    }
    function done() {
      clearTimeout(timer);
      env.state.events.off('message', listener);
      resolve();
    }
    env.state.events.on('message', listener);
  });
}

export function adminRoutes(router: Router, env: EmulatorEnv): void {
  const { state } = env;
  const ok = { status: 200, body: { ok: true } };

  router.on('GET', '/__emulator/calls', (ctx) => {
    const after = Number(ctx.query.get('after') ?? 0);
    return { status: 200, body: { calls: state.calls.filter((c) => c.id > after).map(callView) } };
  });

  /** Messages with index > after (all when absent); `waitMs` long-polls until one arrives. */
  router.on('GET', '/__emulator/messages', async (ctx) => {
    const userId = ctx.query.get('userId') ?? undefined;
    const after = ctx.query.has('after') ? Number(ctx.query.get('after')) : -1;
    const waitMs = Math.min(Number(ctx.query.get('waitMs') ?? 0) || 0, MAX_WAIT_MS);
    const matches = (m: SentMessage) => m.index > after && (userId === undefined || m.to === userId);
    if (waitMs > 0 && !state.sent.some(matches)) await waitForMessage(env, matches, waitMs);
    const messages = state.sent.filter(matches);
    return { status: 200, body: { messages, last: state.sent.length - 1 } };
  });

  router.on('GET', '/__emulator/users', () => ({ status: 200, body: { users: [...state.users.values()] } }));

  router.on('POST', '/__emulator/users', (ctx) => {
    const body = ctx.json();
    const list = Array.isArray(body)
      ? body
      : isObject(body) && Array.isArray(body.users)
        ? body.users
        : [body];
    for (const profile of list.map(profileFrom)) state.users.set(profile.userId, profile);
    return ok;
  });

  router.on('POST', '/__emulator/users/:userId/blocked', (ctx) => {
    const blocked = objectBody(ctx).blocked !== false;
    if (blocked) state.blocked.add(ctx.params.userId!);
    else state.blocked.delete(ctx.params.userId!);
    return ok;
  });

  router.on('GET', '/__emulator/users/:userId/richmenu', (ctx) => {
    const richMenuId = state.richMenuOf(ctx.params.userId!) ?? null;
    return {
      status: 200,
      body: { richMenuId, richMenu: richMenuId ? (state.richMenus.get(richMenuId) ?? null) : null },
    };
  });

  router.on('POST', '/__emulator/content', (ctx) => {
    const body = objectBody(ctx);
    if (typeof body.messageId !== 'string') throw badRequest('messageId is required');
    let entry: ContentEntry;
    if (body.status === 202 || body.status === 404 || body.status === 410) entry = { status: body.status };
    else if (typeof body.data === 'string' && typeof body.contentType === 'string') {
      entry = { data: Buffer.from(body.data, 'base64'), contentType: body.contentType };
    } else throw badRequest('Give data (base64) and contentType, or status 202, 404 or 410');
    state.content.set(body.messageId, entry);
    return ok;
  });

  router.on('POST', '/__emulator/reply-tokens', (ctx) => {
    const body = objectBody(ctx);
    const chatId = body.userId ?? body.chatId;
    if (typeof chatId !== 'string' || !chatId) throw badRequest('userId is required');
    return { status: 200, body: { replyToken: state.issueReplyToken(chatId) } };
  });

  router.on('POST', '/__emulator/reply-tokens/expire', (ctx) => {
    const body = objectBody(ctx);
    if (typeof body.replyToken !== 'string') throw badRequest('replyToken is required');
    state.expireReplyToken(body.replyToken);
    return ok;
  });

  /** A fault; `path` is exact, `pathPattern` a regular expression; `times: -1` applies forever. */
  router.on('POST', '/__emulator/faults', (ctx) => {
    const body = objectBody(ctx);
    let path: string | RegExp;
    if (typeof body.pathPattern === 'string') path = new RegExp(body.pathPattern);
    else if (typeof body.path === 'string') path = body.path;
    else throw badRequest('path or pathPattern is required');
    const fault: Fault = { path };
    if (typeof body.method === 'string') fault.method = body.method;
    if (typeof body.status === 'number') fault.status = body.status;
    if (body.body !== undefined) fault.body = body.body;
    if (isObject(body.headers)) fault.headers = body.headers as Record<string, string>;
    if (body.hang === true) fault.hang = true;
    if (typeof body.delayMs === 'number') fault.delayMs = body.delayMs;
    if (body.when === 'after' || body.when === 'before') fault.when = body.when;
    if (typeof body.times === 'number') fault.times = body.times;
    state.addFault(fault);
    return ok;
  });

  router.on('GET', '/__emulator/quota', () => ({
    status: 200,
    body: { quota: state.quota, totalUsage: state.consumption() },
  }));

  router.on('POST', '/__emulator/quota', (ctx) => {
    const body = objectBody(ctx);
    if (body.type !== 'none' && body.type !== 'limited') throw badRequest("type must be 'none' or 'limited'");
    state.quota =
      body.type === 'limited' ? { type: 'limited', value: Number(body.value ?? 0) } : { type: 'none' };
    return ok;
  });

  router.on('GET', '/__emulator/loading', (ctx) => {
    const chatId = ctx.query.get('chatId');
    return { status: 200, body: { loading: state.loading.filter((l) => !chatId || l.chatId === chatId) } };
  });

  router.on('GET', '/__emulator/richmenus', () => ({ status: 200, body: richMenuStateView(env) }));

  router.on('GET', '/__emulator/richmenus/:richMenuId/image', (ctx) => {
    const image = state.richMenuImages.get(ctx.params.richMenuId!);
    if (!image) throw notFound();
    return { status: 200, binary: image };
  });

  router.on('POST', '/__emulator/reset', () => {
    state.reset();
    return ok;
  });
}
