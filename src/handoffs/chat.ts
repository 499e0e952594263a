import { z } from 'zod';

/** One line of the hand-off chat as the console shows it. */
export const chatEntry = z.object({
  /** Unique and ordered within one `at`: the page cursor is made of `at` and `key`. */
  key: z.string(),
  at: z.iso.datetime(),
  from: z.enum(['user', 'bot', 'staff']),
  kind: z.string(),
  /** For a postback: the label of the button the user tapped, when it is known. */
  text: z.string().optional(),
});
export type ChatEntry = z.infer<typeof chatEntry>;

/** Where a page ends: entries strictly before this one come next. */
export type ChatCursor = { at: number; key: string };

export const encodeChatCursor = (entry: Pick<ChatEntry, 'at' | 'key'>) =>
  Buffer.from(`${Date.parse(entry.at)}|${entry.key}`).toString('base64url');

export function decodeChatCursor(cursor: string): ChatCursor | null {
  const text = Buffer.from(cursor, 'base64url').toString();
  const bar = text.indexOf('|');
  const at = text.slice(0, bar);
  if (bar < 1 || !/^\d+$/.test(at) || !/^[io]:/.test(text.slice(bar + 1))) return null;
  return { at: Number(at), key: text.slice(bar + 1) };
}

const newestFirst = (a: ChatEntry, b: ChatEntry): number =>
  Date.parse(b.at) - Date.parse(a.at) || (a.key < b.key ? 1 : a.key > b.key ? -1 : 0);

const isBefore = (entry: ChatEntry, cursor: ChatCursor) => {
  const at = Date.parse(entry.at);
  return at < cursor.at || (at === cursor.at && entry.key < cursor.key);
};

/**
 * The `limit` latest entries before the cursor, oldest first (as a chat reads), and whether
 * earlier ones remain. `candidates` holds at least the latest limit + 1 of each source.
 */
export function chatPage<E extends ChatEntry>(
  candidates: E[],
  limit: number,
  cursor: ChatCursor | null,
  sourceFull: boolean,
): { items: E[]; earlier: boolean } {
  const before = (cursor ? candidates.filter((entry) => isBefore(entry, cursor)) : candidates).sort(
    newestFirst,
  );
  const items = before.slice(0, limit).reverse();
  return { items, earlier: items.length > 0 && (before.length > limit || sourceFull) };
}

/** A tap as stored; `displayText` only when whoever stored the event kept it. */
export type Postback = { data?: string; displayText?: string; params?: Record<string, string> };

type InboundPayload = { message?: { type?: string; text?: string }; postback?: Postback };

export type InboundRecord = {
  _id: string;
  type: string;
  payload: string;
  receivedAt: Date;
  /** Sent before consent: not kept (see bot/handler.ts). */
  notKept?: string | null;
};
export type OutboundRecord = {
  _id: string;
  messages: unknown[];
  createdAt: Date;
  purpose: string;
  forgottenMessages?: number;
};

/** What the user sent; a postback's label is looked up afterwards (see `tappedLabel`). */
export function inboundEntry(event: InboundRecord): ChatEntry & { postback?: Postback } {
  const payload = JSON.parse(event.payload) as InboundPayload;
  const base = { key: `i:${event._id}`, at: event.receivedAt.toISOString(), from: 'user' as const };
  if (event.type === 'postback') return { ...base, kind: 'postback', postback: payload.postback ?? {} };
  if (event.notKept) return { ...base, kind: 'not_kept' };
  const message = payload.message;
  return {
    ...base,
    kind: message?.type ?? event.type,
    ...(message?.text ? { text: message.text } : {}),
  };
}

/** One entry per message of a batch, in the order the user saw them. */
export function outboundEntries(batch: OutboundRecord): ChatEntry[] {
  if (batch.forgottenMessages !== undefined)
    return [
      {
        key: `o:${batch._id}:00`,
        at: batch.createdAt.toISOString(),
        from: batch.purpose === 'staff' ? ('staff' as const) : ('bot' as const),
        kind: 'forgotten',
      },
    ];
  return (batch.messages as { type?: string; text?: string; altText?: string }[]).map((message, i) => ({
    key: `o:${batch._id}:${String(i).padStart(2, '0')}`,
    at: batch.createdAt.toISOString(),
    from: batch.purpose === 'staff' ? ('staff' as const) : ('bot' as const),
    kind: message.type ?? 'message',
    ...(message.text || message.altText ? { text: message.text ?? message.altText } : {}),
  }));
}

type Action = { type?: unknown; data?: unknown; label?: unknown; displayText?: unknown };

/** Every action in a message (quick replies, flex buttons, templates, image maps), depth first. */
function* actionsIn(node: unknown): Generator<Action> {
  if (Array.isArray(node)) {
    for (const child of node) yield* actionsIn(child);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const record = node as Record<string, unknown>;
  if (typeof record.data === 'string' && typeof record.type === 'string') yield record as Action;
  for (const value of Object.values(record)) if (value && typeof value === 'object') yield* actionsIn(value);
}

/**
 * What the user saw on the button they tapped: the label of the action with the same postback
 * data in the bot's messages sent before the tap (newest first), else the displayText the event
 * carries; undefined when neither is known (a rich menu area, an expired message).
 */
export function tappedLabel(
  postback: Postback,
  sentBefore: Pick<OutboundRecord, 'messages'>[],
): string | undefined {
  const data = postback.data;
  let found: string | undefined;
  if (data !== undefined)
    search: for (const batch of sentBefore)
      for (const action of actionsIn(batch.messages))
        if (action.data === data) {
          const text = typeof action.label === 'string' ? action.label : action.displayText;
          if (typeof text === 'string' && text.trim()) {
            found = text;
            break search;
          }
        }
  found ??= postback.displayText?.trim() || undefined;
  const picked = postback.params && Object.values(postback.params)[0];
  return found && picked ? `${found}: ${picked}` : found;
}
