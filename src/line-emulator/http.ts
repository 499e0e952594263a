import type { IncomingMessage } from 'node:http';
import { LineApiError, MESSAGES } from './errors';

/** What a handler answers: JSON (`body`) or bytes (`binary`), with optional headers. */
export type Answer = {
  status: number;
  body?: unknown;
  binary?: { data: Buffer; contentType: string };
  headers?: Record<string, string>;
};

export type RequestContext = {
  req: IncomingMessage;
  method: string;
  path: string;
  query: URLSearchParams;
  params: Record<string, string>;
  rawBody: Buffer;
  /** The body parsed as JSON (LINE's 400 when it is not JSON). */
  json(): unknown;
  retryKey?: string;
  /** `x-line-request-id` this answer will carry. */
  requestId: string;
};

export type Handler = (ctx: RequestContext) => Answer | Promise<Answer>;

type Route = { method: string; regex: RegExp; names: string[]; handler: Handler };

/** A tiny path router: `/v2/bot/profile/:userId`; the first registered match wins. */
export class Router {
  private readonly routes: Route[] = [];

  on(method: string, pattern: string, handler: Handler): this {
    const names: string[] = [];
    const source = pattern
      .split('/')
      .map((segment) => {
        if (!segment.startsWith(':')) return segment.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&');
        names.push(segment.slice(1));
        return '([^/]+)';
      })
      .join('/');
    this.routes.push({ method, regex: new RegExp(`^${source}$`), names, handler });
    return this;
  }

  match(method: string, path: string): { handler: Handler; params: Record<string, string> } | undefined {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const found = route.regex.exec(path);
      if (!found) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => {
        params[name] = decodeURIComponent(found[i + 1]!);
      });
      return { handler: route.handler, params };
    }
    return undefined;
  }
}

export const MAX_REQUEST_BYTES = 20 * 1024 * 1024;

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) {
        reject(new LineApiError(413, { message: 'Request entity too large' }));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new LineApiError(400, { message: MESSAGES.invalidJson });
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
