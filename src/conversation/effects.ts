import { createHash } from 'node:crypto';
import type { messagingApi } from '@line/bot-sdk';
import type { TFunction } from 'i18next';
import type { Effect } from './';

/**
 * The engine decides; features act. Each effect type has one handler, owned by its feature
 * (consents and personal data: privacy; cases; hand-offs; media; volunteers): the bot only routes.
 */
export type EffectContext = {
  userId: string;
  /** The event's own time: the same on every retry, so handlers stay idempotent. */
  at: Date;
  receivedAt: Date;
  language: string;
  t: TFunction;
  /** How many more messages fit in this answer (LINE takes five per reply). */
  room: () => number;
};

/**
 * What an effect adds to the answer; a case reference ties the answer to that case's messages (and the
 * event to the case). `aboutCase` ties only the event: a survey's answer carries the household's code,
 * which is not for staff to read on the case.
 */
export type EffectOutcome = {
  messages?: messagingApi.Message[];
  caseReference?: string;
  aboutCase?: string;
} | void;

export type EffectType = Exclude<Effect['type'], 'send'>;

export type EffectHandler<T extends EffectType> = (
  effect: Extract<Effect, { type: T }>,
  context: EffectContext,
) => Promise<EffectOutcome>;

/** Every effect but 'send' (the engine's own words) must have a handler: the compiler checks. */
export type EffectHandlers = { [T in EffectType]: EffectHandler<T> };

export function performEffect(
  handlers: EffectHandlers,
  effect: Extract<Effect, { type: EffectType }>,
  context: EffectContext,
): Promise<EffectOutcome> {
  const handler = handlers[effect.type] as (effect: Effect, context: EffectContext) => Promise<EffectOutcome>;
  return handler(effect, context);
}

/** Deterministic, so the case created later can name the consent it rests on without a lookup race. */
export function consentId(lineUserId: string, givenAt: string): string {
  return `consent-${createHash('sha256').update(`${lineUserId}|${givenAt}`).digest('hex').slice(0, 24)}`;
}
