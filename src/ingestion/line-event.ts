import { createHash } from 'node:crypto';
import type { webhook } from '@line/bot-sdk';
import { z } from 'zod';

/**
 * What ingestion relies on, checked for every event; every other field is kept as LINE sent it and
 * typed by the SDK's `webhook.Event` (the bot reads message, postback and unsend fields defensively,
 * since LINE documents them but this schema does not check them).
 */
export const lineEventSchema = z.looseObject({
  type: z.string().min(1),
  timestamp: z.number(),
  // LINE may add modes one day; the bot acts on 'active' only, so any string is readable.
  mode: z.string().optional(),
  webhookEventId: z.string().min(1).optional(),
  replyToken: z.string().optional(),
  source: z
    .looseObject({
      type: z.string(),
      userId: z.string().optional(),
      groupId: z.string().optional(),
      roomId: z.string().optional(),
    })
    .optional(),
  deliveryContext: z.looseObject({ isRedelivery: z.boolean() }).optional(),
});

/** Only the envelope: each event is read on its own, so one odd event cannot sink its batch. */
export const webhookBodySchema = z.looseObject({
  destination: z.string().optional(),
  events: z.array(z.unknown()),
});

/**
 * Events NeedLine stores for a chat itself, processed in its order like LINE's: a reminder or expiry
 * that came due (`needline.timeout`), a hand-off given back by staff (`needline.handoff.closed`).
 */
export type SyntheticEvent = z.infer<typeof lineEventSchema> & {
  type: `needline.${string}`;
  source: webhook.UserSource;
};

export type LineEvent = webhook.Event | SyntheticEvent;

/** What is said of an event that could not be read: never its content. */
export type UnreadableEvent = { id?: string; type?: string; why: string };

export function readEvents(raw: unknown[]): { events: LineEvent[]; unreadable: UnreadableEvent[] } {
  const events: LineEvent[] = [];
  const unreadable: UnreadableEvent[] = [];
  for (const item of raw) {
    const parsed = lineEventSchema.safeParse(item);
    if (parsed.success) {
      // Checked above: the fields every event must have; the SDK's type describes the rest.
      events.push(parsed.data as unknown as LineEvent);
      continue;
    }
    const fields = typeof item === 'object' && item !== null ? (item as Record<string, unknown>) : {};
    unreadable.push({
      ...(typeof fields.webhookEventId === 'string' ? { id: fields.webhookEventId.slice(0, 64) } : {}),
      ...(typeof fields.type === 'string' ? { type: fields.type.slice(0, 32) } : {}),
      // Paths and codes only: a message such as "expected number, received string" names no value.
      why: parsed.error.issues
        .map((issue) => `${issue.path.join('.') || '(event)'}: ${issue.code}`)
        .join('; '),
    });
  }
  return { events, unreadable };
}

/** The conversation an event belongs to: events of one chat are processed one at a time, in order. */
export function chatKeyOf(event: LineEvent): string {
  const source = event.source;
  if (source?.type === 'group' && source.groupId) return `group:${source.groupId}`;
  if (source?.type === 'room' && source.roomId) return `room:${source.roomId}`;
  if (source?.userId) return `user:${source.userId}`;
  return 'none';
}

/** LINE gives every event a webhookEventId; an event without one is identified by its content. */
export function eventIdOf(event: LineEvent): string {
  return event.webhookEventId ?? `sha256:${createHash('sha256').update(JSON.stringify(event)).digest('hex')}`;
}
