import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { LineApiError, MESSAGES, defaultFaultBody } from './errors';
import type { EmulatorEnv } from './env';
import { type Answer, type RequestContext, Router, parseJson, readBody, sleep } from './http';
import { isUuid, newRequestId } from './ids';
import { adminRoutes } from './routes/admin';
import { messagingRoutes } from './routes/messaging';
import { profileAndContentRoutes } from './routes/profile-content';
import { richMenuRoutes } from './routes/richmenu';
import type { ActiveFault } from './state';
import type { RecordedCall } from './types';

/** Endpoints that accept `X-Line-Retry-Key`; anywhere else LINE answers 400. */
const RETRY_KEY_PATHS = new Set([
  '/v2/bot/message/push',
  '/v2/bot/message/multicast',
  '/v2/bot/message/narrowcast',
  '/v2/bot/message/broadcast',
]);

const ADMIN_PREFIX = '/__emulator';

const isLoopback = (address: string | undefined) =>
  !!address && (address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.'));

const isJsonType = (contentType: string | undefined) => !contentType || /json/i.test(contentType);

/** What the call log keeps of a body: parsed JSON, or a summary of bytes. */
function summarizeBody(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) return undefined;
  if (isJsonType(contentType)) {
    try {
      return JSON.parse(raw.toString('utf8'));
    } catch {
      return { unparsable: raw.toString('utf8', 0, Math.min(raw.length, 2000)) };
    }
  }
  return { contentType, size: raw.length };
}

export type EmulatorServer = { server: Server; hanging: Set<ServerResponse> };

export function createEmulatorServer(env: EmulatorEnv): EmulatorServer {
  const api = new Router();
  messagingRoutes(api, env);
  profileAndContentRoutes(api, env);
  richMenuRoutes(api, env);
  const admin = new Router();
  adminRoutes(admin, env);
  const hanging = new Set<ServerResponse>();

  const send = (res: ServerResponse, answer: Answer, requestId?: string) => {
    const headers: Record<string, string> = { ...(answer.headers ?? {}) };
    if (requestId) headers['x-line-request-id'] = requestId;
    let payload: Buffer | undefined;
    if (answer.binary) {
      headers['content-type'] = answer.binary.contentType;
      payload = answer.binary.data;
    } else if (answer.body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = Buffer.from(JSON.stringify(answer.body), 'utf8');
    }
    headers['content-length'] = String(payload?.length ?? 0);
    res.writeHead(answer.status, headers);
    res.end(payload);
  };

  const context = (req: IncomingMessage, url: URL, rawBody: Buffer, requestId: string): RequestContext => {
    const retryKey = req.headers['x-line-retry-key'];
    let parsed: { value: unknown } | undefined;
    return {
      req,
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      params: {},
      rawBody,
      requestId,
      ...(typeof retryKey === 'string' ? { retryKey } : {}),
      json() {
        parsed ??= { value: parseJson(rawBody) };
        return parsed.value;
      },
    };
  };

  /** Authentication, retry-key rules and routing: what LINE does for one API request. */
  const process = async (ctx: RequestContext): Promise<Answer> => {
    if (ctx.req.headers.authorization !== `Bearer ${env.channelAccessToken}`) {
      throw new LineApiError(401, { message: MESSAGES.unauthorized });
    }
    if (ctx.retryKey !== undefined) {
      if (!RETRY_KEY_PATHS.has(ctx.path))
        throw new LineApiError(400, { message: MESSAGES.retryKeyNotAllowed });
      if (!isUuid(ctx.retryKey)) throw new LineApiError(400, { message: MESSAGES.retryKeyInvalid });
    }
    const route = api.match(ctx.method, ctx.path);
    if (!route) throw new LineApiError(404, { message: 'Not found' });
    ctx.params = route.params;
    return route.handler(ctx);
  };

  const faultAnswer = (fault: ActiveFault): Answer => {
    const status = fault.status ?? 500;
    return { status, body: fault.body ?? defaultFaultBody(status), headers: fault.headers ?? {} };
  };

  const toAnswer = (error: unknown): Answer => {
    if (error instanceof LineApiError)
      return { status: error.status, body: error.body, headers: error.headers };
    console.error('LINE emulator: unexpected error', error);
    return { status: 500, body: { message: MESSAGES.internal } };
  };

  const handleApi = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const started = Date.now();
    const method = req.method ?? 'GET';
    const requestId = newRequestId();
    const contentType = req.headers['content-type'];
    let rawBody: Buffer = Buffer.alloc(0);
    let answer: Answer | undefined;
    try {
      rawBody = await readBody(req);
    } catch (error) {
      answer = toAnswer(error);
    }
    const ctx = context(req, url, rawBody, requestId);
    const call: RecordedCall = env.state.startCall({
      at: started,
      method,
      path: url.pathname,
      ...(url.search ? { query: url.search.slice(1) } : {}),
      ...(ctx.retryKey !== undefined ? { retryKey: ctx.retryKey } : {}),
      body: summarizeBody(rawBody, contentType),
    });

    const fault = answer ? undefined : env.state.takeFault(method, url.pathname);
    const replaces = fault && (fault.hang || fault.status !== undefined);
    const hang = () => {
      call.fault = 'hang';
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
    };

    if (fault?.delayMs) {
      call.fault = 'delay';
      await sleep(fault.delayMs);
    }
    if (!answer && fault && replaces && (fault.when ?? 'before') === 'before') {
      if (fault.hang) return hang();
      call.fault = 'status';
      answer = faultAnswer(fault);
    }
    if (!answer) {
      try {
        answer = await process(ctx);
      } catch (error) {
        answer = toAnswer(error);
      }
      if (fault && replaces && fault.when === 'after') {
        if (fault.hang) return hang();
        call.fault = 'status';
        answer = faultAnswer(fault);
      }
    }

    call.status = answer.status;
    call.requestId = requestId;
    call.response = answer.binary
      ? { contentType: answer.binary.contentType, size: answer.binary.data.length }
      : answer.body;
    call.durationMs = Date.now() - started;
    send(res, answer, requestId);
  };

  const handleAdmin = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const cors = {
      'access-control-allow-origin': '*',
      'access-control-allow-headers': 'content-type',
      'access-control-allow-methods': 'GET, POST, OPTIONS',
    };
    if (!isLoopback(req.socket.remoteAddress)) {
      return send(res, {
        status: 403,
        body: { message: 'The emulator admin answers loopback callers only' },
      });
    }
    if (req.method === 'OPTIONS') return send(res, { status: 204, headers: cors });
    let answer: Answer;
    try {
      const rawBody = await readBody(req);
      const route = admin.match(req.method ?? 'GET', url.pathname);
      if (!route) throw new LineApiError(404, { message: 'Not found' });
      const ctx = context(req, url, rawBody, '');
      ctx.params = route.params;
      answer = await route.handler(ctx);
    } catch (error) {
      answer = toAnswer(error);
    }
    send(res, { ...answer, headers: { ...cors, ...(answer.headers ?? {}) } });
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    const handler =
      url.pathname === ADMIN_PREFIX || url.pathname.startsWith(`${ADMIN_PREFIX}/`) ? handleAdmin : handleApi;
    handler(req, res, url).catch((error: unknown) => {
      if (!res.headersSent) send(res, toAnswer(error));
      else res.destroy();
    });
  });
  // Keep-alive sockets of SDK clients must not hold stop() up.
  server.keepAliveTimeout = 5_000;
  return { server, hanging };
}
