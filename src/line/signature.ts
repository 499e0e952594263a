import { createHmac, timingSafeEqual } from 'node:crypto';

/** LINE signs the exact request bytes: base64(HMAC-SHA256(channel secret, body)). Compared in constant time. */
export function isValidSignature(
  rawBody: Buffer,
  signature: string | undefined,
  channelSecret: string,
): boolean {
  if (!signature) return false;
  const expected = createHmac('sha256', channelSecret).update(rawBody).digest();
  const given = Buffer.from(signature, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
