import { assetsBeside, contentSecurityPolicy, serveLeaflet } from '../http/static-page';
import { Blob } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import express, { Router, type Request, type Response as ExpressResponse } from 'express';
import type { i18n } from 'i18next';
import { z } from 'zod';
import { PublicError } from '../errors';
import { createI18n } from '../i18n';
import type { LineEmulator } from '../line-emulator/types';
import type { Logger } from '../logger';
import { eventRequestSchema, type SandboxAction } from './actions';
import {
  buildEvent,
  newMessageId,
  newWebhookEventId,
  postWebhook,
  type WebhookEvent,
} from '../line-emulator/webhook-client';
import { eventForAction } from './line-events';
import { pickLanguage, renderPage } from './page';
import type { Friendship } from './restore';
import { richMenuView, shownRichMenuId } from './rich-menu';
import { timelineSince, type PersonEntry } from './timeline';
import { findSandboxUser, SANDBOX_USERS } from './users';

export type SandboxDeps = {
  emulator: LineEmulator;
  channelSecret: string;
  /** Where LINE would post: the service's own `/webhook`, known only once it listens. */
  webhookUrl: () => string;
  logger: Logger;
  /** Who follows or blocks the account already: the database's memory, restored at start. */
  friendship?: ReadonlyMap<string, Friendship>;
};

/** The bot's own user id, which LINE puts in `destination`. */
export const SANDBOX_BOT_USER_ID = 'Uf00dbabe0000000000000000000000001';

const MAX_PHOTOS = 10;
const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
const WEBHOOK_TIMEOUT_MS = 10_000;
const PHOTO_TYPES = /^image\/(jpeg|png|gif|webp)$/;

const PUBLIC_DIR = assetsBeside(__dirname, 'public');

// The page runs only its own scripts; images may come from anywhere the bot points (and map tiles).
const PAGE_CSP = contentSecurityPolicy(
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob: https: http:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'self'",
  "form-action 'self'",
);

const messagesQuery = z.object({
  userId: z.string().regex(/^U[0-9a-f]{32}$/),
  after: z.string().max(30).optional(),
});

const photoFields = z.object({ userId: z.string().regex(/^U[0-9a-f]{32}$/) });
const userParams = z.object({ userId: z.string().regex(/^U[0-9a-f]{32}$/) });
const richMenuParams = z.object({ richMenuId: z.string().regex(/^richmenu-[0-9a-f]{32}$/) });

/**
 * The sandbox chat page and its API: a person chats with NeedLine as a simulated LINE user. Each
 * action becomes a LINE webhook event, signed and posted to the service's webhook exactly as LINE
 * would; the bot's answers are read back from the emulator's record. Mount in sandbox mode only.
 */
export function sandboxRouter(deps: SandboxDeps): express.Router {
  const { emulator, logger } = deps;
  const people = new Map<string, PersonEntry[]>();
  const friendship = new Map<string, Friendship>(deps.friendship ?? []);
  const template = readFileSync(path.join(PUBLIC_DIR, 'index.html'), 'utf8');
  let translations: i18n | undefined;
  const translate = () => (translations ??= createI18n('th'));

  for (const user of SANDBOX_USERS) {
    emulator.addUser({ userId: user.userId, displayName: user.displayName, language: user.language });
  }

  const record = (userId: string, entry: PersonEntry): PersonEntry => {
    const list = people.get(userId) ?? [];
    list.push(entry);
    people.set(userId, list);
    return entry;
  };

  /** Posts one event as LINE would: the exact bytes, signed with the channel secret. */
  async function deliver(event: WebhookEvent & { type: string }): Promise<number> {
    try {
      const { status } = await postWebhook(deps.webhookUrl(), deps.channelSecret, [event], {
        destination: SANDBOX_BOT_USER_ID,
        timeoutMs: WEBHOOK_TIMEOUT_MS,
      });
      if (!isOk(status)) logger.warn({ status, event: event.type }, 'sandbox: webhook refused the event');
      return status;
    } catch (error) {
      logger.warn({ err: error, event: event.type }, 'sandbox: webhook unreachable');
      return 0;
    }
  }

  /** Fresh for every event: a reply token the emulator will accept once, a new id, the time now. */
  const eventOptions = (userId: string) => {
    const timestamp = Date.now();
    return {
      userId,
      timestamp,
      webhookEventId: newWebhookEventId(timestamp),
      replyToken: emulator.issueReplyToken(userId),
      messageId: newMessageId(),
    };
  };

  const router = Router();

  router.get(['/sandbox', '/sandbox/'], async (req: Request, res: ExpressResponse) => {
    const language = pickLanguage(req.query.lang, req.headers['accept-language']);
    res
      .status(200)
      .set('content-security-policy', PAGE_CSP)
      .set('cache-control', 'no-store')
      .type('html')
      .send(renderPage(template, await translate(), language));
  });
  router.use('/sandbox/assets', express.static(PUBLIC_DIR, { index: false }));
  serveLeaflet(router, '/sandbox/vendor/leaflet');

  router.get('/sandbox/api/users', (_req, res) => {
    res.json({
      users: SANDBOX_USERS.map((user) => ({ ...user, friendship: friendship.get(user.userId) ?? 'none' })),
    });
  });

  router.get('/sandbox/api/messages', async (req, res) => {
    const query = parse(messagesQuery, req.query);
    // A blocked user's phone never shows what the bot sent meanwhile.
    const bot = emulator.sentMessages(query.userId).filter((sent) => sent.delivered);
    res.json({
      ...timelineSince(people.get(query.userId) ?? [], bot, query.after),
      typingUntil: typingUntil(emulator, query.userId),
      // The page fetches the menu again when this changes (a switch, or staff approving a volunteer).
      richMenuId: shownRichMenuId(emulator.richMenuState(), query.userId),
    });
  });

  router.get('/sandbox/api/users/:userId/richmenu', async (req, res) => {
    const { userId } = parse(userParams, req.params);
    knownUser(userId);
    const t = (await translate()).getFixedT(pickLanguage(req.query.lang, req.headers['accept-language']));
    res
      .set('cache-control', 'no-store')
      .json({ richMenu: richMenuView(emulator.richMenuState(), userId, t) });
  });

  router.get('/sandbox/api/richmenus/:richMenuId/image', (req, res) => {
    const { richMenuId } = parse(richMenuParams, req.params);
    const image = emulator.richMenuState().images[richMenuId];
    if (!image) throw new PublicError(404, 'not_found', 'No such rich menu image.');
    // LINE never replaces a menu's image: a new image means a new menu id.
    res.type(image.contentType).set('cache-control', 'private, max-age=3600').send(image.data);
  });

  router.post('/sandbox/api/events', express.json({ limit: '64kb' }), async (req, res) => {
    const { userId, action } = parse(eventRequestSchema, req.body);
    knownUser(userId);
    // LINE's app switches the menu before it sends the postback that reports the switch.
    const switchStatus =
      action.type === 'richmenuswitch' ? emulator.switchRichMenu(userId, action.richMenuAliasId) : undefined;
    const event = eventForAction(action, eventOptions(userId), {
      wasBlocked: friendship.get(userId) === 'blocked',
      ...(switchStatus ? { switchStatus } : {}),
    });
    if (action.type === 'unfollow' || action.type === 'follow') {
      friendship.set(userId, action.type === 'follow' ? 'friend' : 'blocked');
      emulator.setBlocked(userId, action.type === 'unfollow');
    }
    // Recorded before posting: the bot may answer before the webhook call returns.
    const entry = record(userId, personEntry(action, event));
    const webhookStatus = (entry.webhookStatus = await deliver(event));
    res.json({
      webhookStatus,
      delivered: isOk(webhookStatus),
      webhookEventId: event.webhookEventId,
      friendship: friendship.get(userId) ?? 'none',
    });
  });

  router.post(
    '/sandbox/api/photos',
    express.raw({ type: 'multipart/form-data', limit: MAX_PHOTOS * MAX_PHOTO_BYTES + 64 * 1024 }),
    async (req, res) => {
      const form = await readForm(req);
      const { userId } = parse(photoFields, { userId: form.get('userId') });
      knownUser(userId);
      const files = form.getAll('photos').flatMap((item: unknown) => (item instanceof Blob ? [item] : []));
      if (files.length === 0 || files.length > MAX_PHOTOS)
        throw new PublicError(400, 'bad_photos', `Send between 1 and ${MAX_PHOTOS} photos.`);
      for (const file of files) {
        if (!PHOTO_TYPES.test(file.type) || file.size === 0 || file.size > MAX_PHOTO_BYTES)
          throw new PublicError(
            400,
            'bad_photos',
            'Photos must be JPEG, PNG, GIF or WebP, up to 10 MB each.',
          );
      }
      // LINE sends each photo as its own event; several chosen together share one imageSet.
      const setId = files.length > 1 ? randomBytes(32).toString('hex').toUpperCase() : undefined;
      const results: { messageId: string; webhookStatus: number }[] = [];
      for (const [index, file] of files.entries()) {
        const options = eventOptions(userId);
        const data = Buffer.from(await file.arrayBuffer());
        emulator.addContent(options.messageId, { data, contentType: file.type });
        const imageSet = setId ? { id: setId, index: index + 1, total: files.length } : undefined;
        const event = buildEvent.image({ ...options, ...(imageSet ? { imageSet } : {}) });
        const messageId = options.messageId;
        const entry = record(userId, {
          from: 'user',
          at: new Date(event.timestamp).toISOString(),
          kind: 'message',
          message: {
            ...event.message,
            // The page shows the photo from the emulator's store, as LINE's app shows its own copy.
            previewUrl: `/sandbox/api/content/${messageId}`,
          },
          webhookStatus: null,
        });
        entry.webhookStatus = await deliver(event);
        results.push({ messageId, webhookStatus: entry.webhookStatus });
      }
      res.json({ photos: results, delivered: results.every((result) => isOk(result.webhookStatus)) });
    },
  );

  router.get('/sandbox/api/content/:messageId', async (req, res) => {
    const messageId = z
      .string()
      .regex(/^\d{1,20}$/)
      .parse(req.params.messageId);
    const response = await fetch(`${emulator.url}/v2/bot/message/${messageId}/content`, {
      headers: { authorization: `Bearer ${emulator.channelAccessToken}` },
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    });
    if (!response.ok) throw new PublicError(404, 'not_found', 'No such photo.');
    res
      .type(response.headers.get('content-type') ?? 'application/octet-stream')
      .set('cache-control', 'private, max-age=3600')
      .send(Buffer.from(await response.arrayBuffer()));
  });

  return router;
}

function personEntry(action: SandboxAction, event: ReturnType<typeof eventForAction>): PersonEntry {
  const at = new Date(event.timestamp).toISOString();
  // Filled in once the webhook has answered.
  const webhookStatus = null;
  switch (action.type) {
    case 'follow':
    case 'unfollow':
      return { from: 'user', at, kind: action.type, webhookStatus };
    case 'richmenuswitch':
      return { from: 'user', at, kind: 'postback', webhookStatus };
    case 'postback':
      return {
        from: 'user',
        at,
        kind: 'postback',
        ...(action.displayText ? { displayText: action.displayText } : {}),
        webhookStatus,
      };
    default:
      return {
        from: 'user',
        at,
        kind: 'message',
        message: 'message' in event ? { ...event.message } : {},
        webhookStatus,
      };
  }
}

/** LINE's loading animation shows until it times out or the next message arrives. */
function typingUntil(emulator: LineEmulator, userId: string): number | null {
  const last = emulator.loadingAnimations(userId).at(-1);
  if (!last) return null;
  const until = last.at + last.loadingSeconds * 1000;
  const answeredSince = emulator.sentMessages(userId).some((sent) => sent.at >= last.at);
  return answeredSince || until < Date.now() ? null : until;
}

const isOk = (status: number) => status >= 200 && status < 300;

function knownUser(userId: string): void {
  if (!findSandboxUser(userId)) throw new PublicError(404, 'unknown_user', 'No such sandbox user.');
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success)
    throw new PublicError(400, 'invalid_request', 'The request is not valid.', z.flattenError(result.error));
  return result.data;
}

async function readForm(req: Request): Promise<FormData> {
  if (!Buffer.isBuffer(req.body))
    throw new PublicError(400, 'invalid_request', 'Send the photos as multipart/form-data.');
  try {
    return await new Response(req.body, {
      headers: { 'content-type': req.headers['content-type'] ?? '' },
    }).formData();
  } catch {
    throw new PublicError(400, 'invalid_request', 'The photo upload could not be read.');
  }
}
