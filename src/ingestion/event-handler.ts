import type { OutgoingBatch } from '../line/sender';
import type { LineEvent } from './line-event';

/** What the processor hands the bot for one event, and what it takes back. */
export type HandlerContext = {
  eventId: string;
  event: LineEvent;
  chatKey: string;
  /** The chat's conversation state as last committed. */
  state: Record<string, unknown>;
  receivedAt: Date;
  replyToken?: string;
  replyTokenExpiresAt?: Date;
  /** 1 on the first try. */
  attempt: number;
  /** Status news waited for the chat's person when the burst began (cases/updates). */
  newsWaiting?: boolean;
};

/**
 * Decides what an event does. It may perform idempotent side effects keyed by the event (fetch a
 * profile, store media, create a case by intake id); messages go out only through `outbox`, after
 * the new state is committed.
 */
export type EventHandler = (context: HandlerContext) => Promise<HandlerResult>;

export type HandlerResult = {
  state: Record<string, unknown>;
  outbox: OutgoingBatch[];
  /** When the chat wants a `needline.timeout` event (a reminder or an expiry), or null for never. */
  wakeAt?: Date | null;
};

/** The synthetic event the scheduler stores for a chat whose `wakeAt` has come. */
export const TIMEOUT_EVENT_TYPE = 'needline.timeout';

/** The short apology for an event set aside after too many failures, or nothing (e.g. group chats). */
export type Apology = (context: HandlerContext) => OutgoingBatch | undefined;
