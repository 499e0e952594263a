import { createHash } from 'node:crypto';
import { z } from 'zod';

/** Only what ingestion relies on; every other field is kept as LINE sent it. */
export const lineEventSchema = z.looseObject({
  type: z.string().min(1),
  timestamp: z.number(),
  mode: z.enum(['active', 'standby']).optional(),
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

export const webhookBodySchema = z.looseObject({
  destination: z.string().optional(),
  events: z.array(lineEventSchema),
});

export type LineEvent = z.infer<typeof lineEventSchema>;

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
