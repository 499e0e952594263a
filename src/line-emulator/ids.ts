import { randomBytes, randomUUID } from 'node:crypto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (value: string): boolean => UUID.test(value);

/** `x-line-request-id`: LINE sends a UUID. */
export const newRequestId = (): string => randomUUID();

/** Reply tokens look like LINE's: 32 hex characters. */
export const newReplyToken = (): string => randomBytes(16).toString('hex');

export const newRichMenuId = (): string => `richmenu-${randomBytes(16).toString('hex')}`;

/** A quote token, shaped like LINE's (long URL-safe base64). */
export const newQuoteToken = (): string => randomBytes(48).toString('base64url');

let sentMessageCounter = 0n;
const sentMessageBase = 500_000_000_000_000_000n + BigInt(Date.now()) * 1000n;

/** Message ids LINE returns are 18-digit decimal strings. */
export function newSentMessageId(): string {
  sentMessageCounter += 1n;
  return (sentMessageBase + sentMessageCounter).toString();
}
