import type { ErrorDetail, LineErrorBody } from './types';

/** An answer that stops processing: thrown by handlers, turned into LINE's error shape by the server. */
export class LineApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: LineErrorBody,
    readonly headers: Record<string, string> = {},
  ) {
    super(body.message);
  }
}

/** LINE's answer to a body that breaks its rules: 400 with one detail per problem. */
export function invalidBody(details: ErrorDetail[]): LineApiError {
  return new LineApiError(400, { message: `The request body has ${details.length} error(s)`, details });
}

export const badRequest = (message: string) => new LineApiError(400, { message });
export const notFound = (message = 'Not found') => new LineApiError(404, { message });

export const MESSAGES = {
  unauthorized: 'Authentication failed. Confirm that the access token in the authorization header is valid.',
  invalidReplyToken: 'Invalid reply token',
  invalidJson: 'The request body could not be parsed as JSON',
  monthlyLimit: 'You have reached your monthly limit.',
  rateLimit: 'The API rate limit has been exceeded. Try again later.',
  internal: 'Internal server error',
  retryKeyAccepted: 'The retry key is already accepted',
  retryKeyInvalid: 'The value of X-Line-Retry-Key header is invalid: it must be a UUID',
  retryKeyNotAllowed: 'X-Line-Retry-Key header is not supported by this endpoint',
} as const;

/** A LINE-like body for a status chosen by a fault. */
export function defaultFaultBody(status: number): LineErrorBody {
  if (status === 429) return { message: MESSAGES.rateLimit };
  if (status === 401) return { message: MESSAGES.unauthorized };
  if (status === 404) return { message: 'Not found' };
  if (status === 400) return { message: 'Bad request' };
  if (status === 403) return { message: 'Access to this API is not available for your account' };
  if (status === 409) return { message: MESSAGES.retryKeyAccepted };
  if (status >= 500) return { message: status === 503 ? 'Service unavailable' : MESSAGES.internal };
  return { message: `Error ${status}` };
}
