import { createHash } from 'node:crypto';
import { createCanvas } from '@napi-rs/canvas';
import { parseConfig } from '../../src/config';
import type { SentMessage } from '../../src/line-emulator';
import {
  buildEvent,
  newMessageId,
  newUserId,
  newWebhookEventId,
  postWebhook,
  type EventOptions,
  type WebhookEvent,
} from '../../src/line-emulator/webhook-client';
import { ingestionModels } from '../../src/ingestion/models';
import { startService, type Service } from '../../src/service';
import { solidPng } from '../../src/line-emulator';
import { testDatabaseServer, uniqueDbName } from '../helpers/db';
import { eventually } from '../helpers/ingestion';
import { testLogger } from '../helpers/logger';

/** The real service in sandbox mode (no LINE credentials): the emulator runs in-process. */
export type SandboxService = Service & { sandbox: NonNullable<Service['sandbox']> };

export async function startSandboxService(
  label: string,
  env: Record<string, string> = {},
): Promise<SandboxService> {
  const parsed = parseConfig(env);
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  const service = await startService({
    config: parsed.config,
    logger: testLogger,
    port: 0,
    jobs: false,
    databaseServer: testDatabaseServer(),
    dbName: uniqueDbName(label),
  });
  if (!service.sandbox) throw new Error('expected sandbox mode without LINE credentials');
  return service as SandboxService;
}

/** Waits for in-flight work, drops the test database and stops. */
export async function stopSandboxService(service: SandboxService | undefined): Promise<void> {
  if (!service) return;
  await service.processor.idle();
  await service.database.connection.dropDatabase().catch(() => undefined);
  await service.stop();
}

/** Event options a builder receives: a fresh usable reply token, an increasing timestamp. */
export type Turn = Required<Pick<EventOptions, 'userId' | 'replyToken' | 'timestamp' | 'webhookEventId'>>;

type QuickReplyAction = { type: string; data?: string; label?: string };

/** The postback data and action types a person can tap on a bot message (quick replies and buttons). */
export function tappable(message: SentMessage | undefined): { data: string[]; types: string[] } {
  const data: string[] = [];
  const types: string[] = [];
  const items = (message?.message.quickReply as { items?: { action: QuickReplyAction }[] } | undefined)
    ?.items;
  for (const item of items ?? []) {
    types.push(item.action.type);
    if (item.action.data) data.push(item.action.data);
  }
  // Buttons inside a flex card (the summary's confirm and edit buttons).
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const action = (node as { action?: QuickReplyAction }).action;
      if (action?.type === 'postback' && action.data) data.push(action.data);
      Object.values(node).forEach(walk);
    }
  };
  if (message?.message.type === 'flex') walk(message.message.contents);
  return { data, types };
}

/** Every text a message shows (text, alt text and flex texts), to look for words and references. */
export function textOf(message: SentMessage): string {
  const parts: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (typeof record.text === 'string') parts.push(record.text);
      if (typeof record.altText === 'string') parts.push(record.altText);
      if (record.contents) walk(record.contents);
    }
  };
  walk(message.message);
  return parts.join('\n');
}

/**
 * One LINE user talking to the service: each event gets a fresh reply token from the emulator, is
 * signed and posted as LINE does, and the turn ends when the service has processed it and sent
 * what it will send (bounded polling of the database, then the processor idle). The bot's answer
 * is read back from the emulator.
 */
export class Person {
  /** Everything the bot sent to this chat, in order. */
  readonly received: SentMessage[] = [];
  /** Reply tokens this person's events carried: every reply must use one of them. */
  readonly replyTokens = new Set<string>();
  private clock = Date.now();

  constructor(
    readonly service: SandboxService,
    readonly userId: string,
    /** The chat the bot answers in: the user, or a group. */
    readonly chatId: string = userId,
  ) {}

  get emulator() {
    return this.service.sandbox.emulator;
  }

  /** The options for one more event: fresh reply token, increasing time. */
  turn(): Turn {
    this.clock = Math.max(Date.now(), this.clock + 5);
    const replyToken = this.emulator.issueReplyToken(this.chatId);
    this.replyTokens.add(replyToken);
    return {
      userId: this.userId,
      replyToken,
      timestamp: this.clock,
      webhookEventId: newWebhookEventId(this.clock),
    };
  }

  /** Posts the events in one signed webhook call and returns what the bot sent in answer. */
  async post(...events: WebhookEvent[]): Promise<SentMessage[]> {
    const before = this.emulator.sentMessages(this.chatId).length;
    const result = await postWebhook(
      `${this.service.url}/webhook`,
      this.service.sandbox.channelSecret,
      events,
    );
    if (result.status !== 200) throw new Error(`webhook answered ${result.status}: ${result.body}`);
    await this.settle(events.map((event) => String((event as { webhookEventId: string }).webhookEventId)));
    const answer = this.emulator.sentMessages(this.chatId).slice(before);
    this.received.push(...answer);
    return answer;
  }

  /** Waits until the events are processed and nothing is left to deliver. */
  private async settle(eventIds: string[]): Promise<void> {
    const models = ingestionModels(this.service.database.connection);
    // Done: stored, and no longer queued.
    const processed = await eventually(
      async () =>
        (await models.QueuedEvent.countDocuments({ _id: { $in: eventIds } })) === 0
          ? models.InboundEvent.countDocuments({ _id: { $in: eventIds } })
          : 0,
      (count) => count === eventIds.length,
    );
    if (processed !== eventIds.length) throw new Error('events were not processed in time');
    await this.service.processor.idle();
    const undelivered = await eventually(
      () => models.OutboundMessage.countDocuments({ to: this.chatId, status: 'pending' }),
      (count) => count === 0,
    );
    if (undelivered !== 0) throw new Error('messages were left undelivered');
  }

  /** The last message the bot sent: what is on the person's screen. */
  last(): SentMessage | undefined {
    return this.received[this.received.length - 1];
  }

  async follow(): Promise<SentMessage[]> {
    return this.post(buildEvent.follow(this.turn()));
  }

  async say(text: string): Promise<SentMessage[]> {
    return this.post(buildEvent.text({ ...this.turn(), text }));
  }

  /** Taps a quick reply or button on the last message; it must be on screen. */
  async tap(data: string): Promise<SentMessage[]> {
    const onScreen = tappable(this.last()).data;
    if (!onScreen.includes(data)) {
      throw new Error(`"${data}" is not on screen; the last message offers: ${onScreen.join(', ')}`);
    }
    return this.post(buildEvent.postback({ ...this.turn(), data }));
  }

  /** Photos sent at once: one event each, sharing an image set, their bytes held by the emulator. */
  async sendPhotos(
    photos: { data: Buffer; contentType: string }[],
    options: { asSet?: boolean } = {},
  ): Promise<{ messageIds: string[]; answer: SentMessage[] }> {
    const setId = `set-${newMessageId()}`;
    const asSet = options.asSet ?? photos.length > 1;
    const messageIds: string[] = [];
    const events = photos.map((photo, index) => {
      const messageId = newMessageId();
      messageIds.push(messageId);
      this.emulator.addContent(messageId, photo);
      return buildEvent.image({
        ...this.turn(),
        messageId,
        ...(asSet ? { imageSet: { id: setId, index: index + 1, total: photos.length } } : {}),
      });
    });
    return { messageIds, answer: await this.post(...events) };
  }

  async shareLocation(latitude: number, longitude: number, address?: string): Promise<SentMessage[]> {
    return this.post(
      buildEvent.location({
        ...this.turn(),
        latitude,
        longitude,
        ...(address ? { address } : {}),
      }),
    );
  }
}

/** A small real JPEG (encoded by a canvas), distinct per seed. */
export function jpegPhoto(seed: number, width = 320, height = 240): Buffer {
  const canvas = createCanvas(width, height);
  const context = canvas.getContext('2d');
  context.fillStyle = `rgb(${(seed * 53) % 256}, ${(seed * 97) % 256}, ${(seed * 31) % 256})`;
  context.fillRect(0, 0, width, height);
  context.fillStyle = '#ffffff';
  context.fillRect(seed % width, seed % height, width / 4, height / 4);
  return canvas.toBuffer('image/jpeg');
}

/** A real JPEG of noise, over one MiB: stored in more than one chunk. */
export function largeJpegPhoto(seed: number, side = 900): Buffer {
  const canvas = createCanvas(side, side);
  const context = canvas.getContext('2d');
  const image = context.createImageData(side, side);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < image.data.length; i++) {
    // xorshift32: deterministic noise that JPEG cannot compress much.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    image.data[i] = i % 4 === 3 ? 255 : state & 0xff;
  }
  context.putImageData(image, 0, 0);
  return canvas.toBuffer('image/jpeg', 100);
}

export function pngPhoto(rgb: [number, number, number] = [200, 80, 40]): Buffer {
  return solidPng(200, 150, rgb);
}

export const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/**
 * A new LINE user whose profile is in `language`, who follows and agrees (the consent to sensitive data
 * is asked later, when its question comes), then opens the menu: the menu is on screen.
 */
export async function consentedPerson(
  service: SandboxService,
  language: 'th' | 'en' | 'hmn',
  displayName = 'Tester',
): Promise<Person> {
  const userId = newUserId();
  service.sandbox.emulator.addUser({ userId, displayName, language });
  const person = new Person(service, userId);
  await person.follow();
  await person.tap('a:consent:agree');
  await person.say('menu');
  return person;
}

/** The household questions after a report's reference, answered; `sensitive` when first asked for it. */
export async function answerHousehold(
  person: Person,
  answers: { size: string; vulnerable: string[]; tenure: string; headName?: string },
): Promise<void> {
  await person.say(answers.size);
  if (tappable(person.last()).data.includes('a:sensitive:agree')) await person.tap('a:sensitive:agree');
  if (answers.vulnerable.length === 0) await person.tap('a:vulnerable:none');
  else {
    for (const member of answers.vulnerable) await person.tap(`a:vulnerable:${member}`);
    await person.tap('a:vulnerable:__done');
  }
  await person.tap(`a:tenure:${answers.tenure}`);
  if (answers.headName) await person.say(answers.headName);
  else await person.tap('a:head_name:__skip');
}
