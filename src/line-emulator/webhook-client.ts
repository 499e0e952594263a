import { createHmac, randomBytes, randomInt } from 'node:crypto';
import type { webhook } from '@line/bot-sdk';

/**
 * Acting as the LINE Platform towards our webhook: events shaped like LINE's (see webhook.json in
 * src/line-emulator/openapi), signed and posted exactly as LINE does. Used by tests, the sandbox page and
 * the benchmarks.
 */

/** `x-line-signature`: base64(HMAC-SHA256(channel secret, the exact body bytes)). */
export function signBody(body: string | Buffer, channelSecret: string): string {
  return createHmac('sha256', channelSecret).update(body).digest('base64');
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A ULID (26 Crockford base32 characters: 48-bit time, 80 random bits), as LINE's webhookEventId. */
export function newWebhookEventId(time = Date.now()): string {
  let timePart = '';
  let t = time;
  for (let i = 0; i < 10; i += 1) {
    timePart = CROCKFORD[t % 32]! + timePart;
    t = Math.floor(t / 32);
  }
  const random = randomBytes(16);
  let randomPart = '';
  for (let i = 0; i < 16; i += 1) randomPart += CROCKFORD[random[i]! % 32];
  return timePart + randomPart;
}

/** A LINE-like message id: 18 decimal digits. */
export function newMessageId(): string {
  return `${randomInt(100_000, 999_999)}${randomInt(100_000, 999_999)}${randomInt(100_000, 999_999)}`;
}

/** A LINE-like reply token (32 hex characters); pass the emulator's `issueReplyToken()` for a usable one. */
export const newReplyToken = (): string => randomBytes(16).toString('hex');

/** A LINE-like user id: U followed by 32 hex characters. */
export const newUserId = (): string => `U${randomBytes(16).toString('hex')}`;

/** A LINE-like group id: C followed by 32 hex characters. */
export const newGroupId = (): string => `C${randomBytes(16).toString('hex')}`;

const newQuoteToken = (): string => randomBytes(48).toString('base64url');

/** What every event has; every field may be set explicitly (e.g. the same webhookEventId for a duplicate). */
export type EventOptions = {
  userId: string;
  /** Reply token; a random (unusable) one when absent. Standby events never carry one. */
  replyToken?: string;
  timestamp?: number;
  webhookEventId?: string;
  isRedelivery?: boolean;
  mode?: 'active' | 'standby';
  /** Another source than the one-to-one chat with `userId` (a group or a room). */
  source?: webhook.Source;
};

function base(options: EventOptions, withReplyToken: boolean) {
  const mode = options.mode ?? 'active';
  const timestamp = options.timestamp ?? Date.now();
  return {
    ...(withReplyToken && mode === 'active' ? { replyToken: options.replyToken ?? newReplyToken() } : {}),
    source: options.source ?? ({ type: 'user', userId: options.userId } as webhook.UserSource),
    timestamp,
    mode,
    webhookEventId: options.webhookEventId ?? newWebhookEventId(timestamp),
    deliveryContext: { isRedelivery: options.isRedelivery ?? false },
  };
}

type MessageOptions = EventOptions & { messageId?: string; quoteToken?: string };

function messageEvent(options: MessageOptions, message: webhook.MessageContent): webhook.MessageEvent {
  return { type: 'message', ...base(options, true), message } as webhook.MessageEvent;
}

const lineContent: webhook.ContentProvider = { type: 'line' };

export type ImageSet = { id: string; index: number; total: number };

/** Builders of LINE webhook events, one per type NeedLine handles. */
export const buildEvent = {
  text(options: MessageOptions & { text: string }): webhook.MessageEvent {
    return messageEvent(options, {
      type: 'text',
      id: options.messageId ?? newMessageId(),
      text: options.text,
      quoteToken: options.quoteToken ?? newQuoteToken(),
    } as webhook.TextMessageContent);
  },

  /** A photo; several sent at once share an `imageSet` ({ id, index from 1, total }). */
  image(options: MessageOptions & { imageSet?: ImageSet }): webhook.MessageEvent {
    return messageEvent(options, {
      type: 'image',
      id: options.messageId ?? newMessageId(),
      contentProvider: lineContent,
      ...(options.imageSet ? { imageSet: options.imageSet } : {}),
      quoteToken: options.quoteToken ?? newQuoteToken(),
    } as webhook.ImageMessageContent);
  },

  video(options: MessageOptions & { durationMs?: number }): webhook.MessageEvent {
    return messageEvent(options, {
      type: 'video',
      id: options.messageId ?? newMessageId(),
      duration: options.durationMs ?? 10_000,
      contentProvider: lineContent,
      quoteToken: options.quoteToken ?? newQuoteToken(),
    } as webhook.VideoMessageContent);
  },

  /** A voice message. */
  audio(options: MessageOptions & { durationMs?: number }): webhook.MessageEvent {
    return messageEvent(options, {
      type: 'audio',
      id: options.messageId ?? newMessageId(),
      duration: options.durationMs ?? 5_000,
      contentProvider: lineContent,
    } as webhook.AudioMessageContent);
  },

  file(options: MessageOptions & { fileName: string; fileSize: number }): webhook.MessageEvent {
    return messageEvent(options, {
      type: 'file',
      id: options.messageId ?? newMessageId(),
      fileName: options.fileName,
      fileSize: options.fileSize,
    } as webhook.FileMessageContent);
  },

  location(
    options: MessageOptions & { latitude: number; longitude: number; title?: string; address?: string },
  ): webhook.MessageEvent {
    return messageEvent(options, {
      type: 'location',
      id: options.messageId ?? newMessageId(),
      latitude: options.latitude,
      longitude: options.longitude,
      ...(options.title !== undefined ? { title: options.title } : {}),
      ...(options.address !== undefined ? { address: options.address } : {}),
    } as webhook.LocationMessageContent);
  },

  sticker(
    options: MessageOptions & { packageId?: string; stickerId?: string; keywords?: string[] },
  ): webhook.MessageEvent {
    return messageEvent(options, {
      type: 'sticker',
      id: options.messageId ?? newMessageId(),
      packageId: options.packageId ?? '446',
      stickerId: options.stickerId ?? '1988',
      stickerResourceType: 'STATIC',
      ...(options.keywords ? { keywords: options.keywords } : {}),
      quoteToken: options.quoteToken ?? newQuoteToken(),
    } as webhook.StickerMessageContent);
  },

  /**
   * A postback: `params` carries { date | time | datetime } from a datetime picker, or
   * { newRichMenuAliasId, status } from a rich menu switch.
   */
  postback(options: EventOptions & { data: string; params?: Record<string, string> }): webhook.PostbackEvent {
    return {
      type: 'postback',
      ...base(options, true),
      postback: { data: options.data, ...(options.params ? { params: options.params } : {}) },
    } as webhook.PostbackEvent;
  },

  follow(options: EventOptions & { isUnblocked?: boolean }): webhook.FollowEvent {
    return {
      type: 'follow',
      ...base(options, true),
      follow: { isUnblocked: options.isUnblocked ?? false },
    } as webhook.FollowEvent;
  },

  /** Blocking the account: no reply token. */
  unfollow(options: EventOptions): webhook.UnfollowEvent {
    return { type: 'unfollow', ...base(options, false) } as webhook.UnfollowEvent;
  },

  /** The user unsent one of their messages: no reply token. */
  unsend(options: EventOptions & { messageId: string }): webhook.UnsendEvent {
    return {
      type: 'unsend',
      ...base(options, false),
      unsend: { messageId: options.messageId },
    } as webhook.UnsendEvent;
  },

  /** The account was added to a group (source type group, no userId: LINE gives it on message events only). */
  join(options: Omit<EventOptions, 'userId' | 'source'> & { groupId: string }): webhook.JoinEvent {
    return {
      type: 'join',
      ...base(
        {
          ...options,
          userId: '',
          source: { type: 'group', groupId: options.groupId } as webhook.GroupSource,
        },
        true,
      ),
    } as webhook.JoinEvent;
  },

  /** A text written in a group: source carries groupId and userId. */
  groupText(options: MessageOptions & { groupId: string; text: string }): webhook.MessageEvent {
    return buildEvent.text({
      ...options,
      source: { type: 'group', groupId: options.groupId, userId: options.userId } as webhook.GroupSource,
    });
  },
};

export type WebhookEvent = webhook.Event | Record<string, unknown>;

export type PostWebhookOptions = {
  /** The bot's user id (U + 32 hex); a fixed test value when absent. */
  destination?: string;
  /** Override the signature (e.g. a wrong one); `null` sends none. */
  signature?: string | null;
  /**
   * LINE escapes characters outside the BMP (emoji) as \uXXXX pairs, so the bytes differ from a plain
   * JSON.stringify: 'astral' (default) does the same, 'all' escapes every non-ASCII character, 'none' none.
   */
  escapeUnicode?: 'astral' | 'all' | 'none';
  /** Abort after this long (default 10 s). */
  timeoutMs?: number;
  headers?: Record<string, string>;
};

export const TEST_DESTINATION = 'U0123456789abcdef0123456789abcdef';

/** The exact body LINE would send for these events. */
export function webhookBody(
  events: WebhookEvent[],
  destination = TEST_DESTINATION,
  escapeUnicode: PostWebhookOptions['escapeUnicode'] = 'astral',
): string {
  const json = JSON.stringify({ destination, events });
  if (escapeUnicode === 'none') return json;
  const pattern = escapeUnicode === 'all' ? /[\u0080-\uffff]/g : /[\ud800-\udfff]/g;
  return json.replace(pattern, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export type WebhookResult = { status: number; body: string; headers: Headers; durationMs: number };

/** Signs the exact bytes and POSTs them to the webhook as LINE does; returns the answer. */
export async function postWebhook(
  url: string,
  channelSecret: string,
  events: WebhookEvent[],
  options: PostWebhookOptions = {},
): Promise<WebhookResult> {
  const body = webhookBody(events, options.destination, options.escapeUnicode);
  const signature = options.signature === undefined ? signBody(body, channelSecret) : options.signature;
  const started = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'user-agent': 'LineBotWebhook/2.0',
      ...(signature !== null ? { 'x-line-signature': signature } : {}),
      ...(options.headers ?? {}),
    },
    body,
    signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text,
    headers: response.headers,
    durationMs: performance.now() - started,
  };
}
