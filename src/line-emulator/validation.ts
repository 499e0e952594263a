import { invalidBody } from './errors';
import type { EmulatorEnv } from './env';
import type { RequestContext } from './http';
import { mergeDetails } from './message-rules';
import type { ErrorDetail } from './types';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The JSON body of a request, checked by the hand rules and (when enabled) against LINE's OpenAPI document
 * for that operation; throws LINE's 400 with every problem found.
 */
export function validatedBody(
  env: EmulatorEnv,
  ctx: RequestContext,
  rules: (body: Record<string, unknown>) => ErrorDetail[],
): Record<string, unknown> {
  const body = ctx.json();
  if (!isObject(body))
    throw invalidBody([{ property: '', message: 'The request body must be a JSON object' }]);
  const byHand = rules(body);
  const byOpenApi = env.validator ? env.validator.validateRequest(ctx.method, ctx.path, body) : [];
  const details = mergeDetails(byHand, byOpenApi);
  if (details.length > 0) throw invalidBody(details);
  return body;
}

/** A required non-empty string property. */
export function requireString(body: Record<string, unknown>, key: string, at = key): ErrorDetail[] {
  const value = body[key];
  if (typeof value === 'string' && value.length > 0) return [];
  return [
    {
      property: at,
      message: value === undefined || value === '' ? 'May not be empty' : 'Must be of type string',
    },
  ];
}

/** A required array of non-empty strings with a size range. */
export function requireStringArray(
  body: Record<string, unknown>,
  key: string,
  min: number,
  max: number,
): ErrorDetail[] {
  const value = body[key];
  if (!Array.isArray(value)) return [{ property: key, message: 'May not be empty' }];
  const details: ErrorDetail[] = [];
  if (value.length < min || value.length > max) {
    details.push({ property: key, message: `Size must be between ${min} and ${max}` });
  }
  value.forEach((item, i) => {
    if (typeof item !== 'string' || item.length === 0) {
      details.push({ property: `${key}[${i}]`, message: 'May not be empty' });
    }
  });
  return details;
}
