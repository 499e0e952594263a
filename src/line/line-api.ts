import { HTTPFetchError, messagingApi } from '@line/bot-sdk';

export type LineApiOptions = {
  channelAccessToken: string;
  apiBaseUrl: string;
  dataApiBaseUrl: string;
  /** The SDK's fetch has no timeout of its own. */
  timeoutMs?: number;
};

export class LineTimeoutError extends Error {
  constructor(ms: number) {
    super(`LINE did not answer within ${ms} ms`);
    this.name = 'LineTimeoutError';
  }
}

export type LineApi = {
  client: messagingApi.MessagingApiClient;
  blob: messagingApi.MessagingApiBlobClient;
  /** Runs one SDK call under the timeout. A timed-out push may still land: retry it with the same retry key. */
  call<T>(
    fn: (api: {
      client: messagingApi.MessagingApiClient;
      blob: messagingApi.MessagingApiBlobClient;
    }) => Promise<T>,
  ): Promise<T>;
};

export function createLineApi(options: LineApiOptions): LineApi {
  const client = new messagingApi.MessagingApiClient({
    channelAccessToken: options.channelAccessToken,
    baseURL: options.apiBaseUrl,
  });
  const blob = new messagingApi.MessagingApiBlobClient({
    channelAccessToken: options.channelAccessToken,
    baseURL: options.dataApiBaseUrl,
  });
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    client,
    blob,
    async call(fn) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new LineTimeoutError(timeoutMs)), timeoutMs);
      });
      try {
        return await Promise.race([fn({ client, blob }), timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

export type LineFailure =
  | { kind: 'accepted_before' } // 409: the retry key was already accepted
  | { kind: 'invalid_reply_token' }
  | { kind: 'rate_limited'; status: number }
  | { kind: 'retryable'; status?: number; message: string } // 5xx, timeouts, network
  | { kind: 'rejected'; status: number; message: string }; // other 4xx: never retried

/** How the sender treats each failure, per LINE's retry rules. */
export function classifyLineError(error: unknown): LineFailure {
  if (error instanceof HTTPFetchError) {
    const status = error.status;
    const message = lineErrorMessage(error.body);
    if (status === 409) return { kind: 'accepted_before' };
    if (status === 429) return { kind: 'rate_limited', status };
    if (status >= 500) return { kind: 'retryable', status, message };
    if (status === 400 && /invalid reply token/i.test(message)) return { kind: 'invalid_reply_token' };
    return { kind: 'rejected', status, message };
  }
  if (error instanceof LineTimeoutError) return { kind: 'retryable', message: error.message };
  // fetch's network failures are TypeErrors.
  return { kind: 'retryable', message: error instanceof Error ? error.message : String(error) };
}

function lineErrorMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    return typeof parsed.message === 'string' ? parsed.message.slice(0, 300) : body.slice(0, 300);
  } catch {
    return body.slice(0, 300);
  }
}
