import type { ErrorDetail } from './types';

/**
 * LINE's limits on message objects, checked by hand (the OpenAPI description states only some of them).
 * Figures from the Messaging API reference: see shared/reference/line-platform.md.
 */
export const LIMITS = {
  messagesPerRequest: 5,
  textLength: 5000,
  quickReplyItems: 13,
  quickReplyLabel: 20,
  actionLabel: 20,
  postbackData: 300,
  displayText: 300,
  messageActionText: 300,
  uriLength: 1000,
  urlLength: 2000,
  altText: 1500,
  bubbleBytes: 30_000,
  carouselBytes: 50_000,
  carouselBubbles: 12,
  multicastRecipients: 500,
  senderName: 20,
  locationTitle: 100,
  locationAddress: 100,
  buttonsActions: 4,
  buttonsText: 160,
  buttonsTextWithImageOrTitle: 60,
  confirmText: 240,
  templateColumns: 10,
  clipboardText: 1000,
} as const;

export const MESSAGE_TYPES = [
  'text',
  'textV2',
  'sticker',
  'image',
  'video',
  'audio',
  'location',
  'imagemap',
  'template',
  'flex',
  'coupon',
] as const;

/** Where an action sits: some types are allowed only in quick replies, one only in rich menus. */
export type ActionContext = 'quickReply' | 'message' | 'richMenu';

const QUICK_REPLY_ONLY = new Set(['camera', 'cameraRoll', 'location']);
const ACTION_TYPES = [
  'postback',
  'message',
  'uri',
  'datetimepicker',
  'camera',
  'cameraRoll',
  'location',
  'richmenuswitch',
  'clipboard',
];

export type RuleOptions = { allowHttpMediaUrls?: boolean };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Characters as a person counts them (code points), for labels. */
const chars = (value: string): number => Array.from(value).length;

class Checker {
  readonly details: ErrorDetail[] = [];
  constructor(private readonly options: RuleOptions) {}

  add(property: string, message: string): void {
    this.details.push({ property, message });
  }

  /** A string property: required or not, with a length range (UTF-16 units, as LINE counts text). */
  string(
    owner: Record<string, unknown>,
    key: string,
    at: string,
    limits: { required?: boolean; min?: number; max?: number; count?: (s: string) => number } = {},
  ): string | undefined {
    const { required = false, max = Infinity, count = (s: string) => s.length } = limits;
    const min = limits.min ?? (required ? 1 : 0);
    const value = owner[key];
    const property = `${at}.${key}`;
    if (value === undefined || value === null) {
      if (required) this.add(property, 'May not be empty');
      return undefined;
    }
    if (typeof value !== 'string') {
      this.add(property, 'Must be of type string');
      return undefined;
    }
    const length = count(value);
    if (length < min || length > max) {
      this.add(property, `Length must be between ${min} and ${max === Infinity ? 'infinity' : max}`);
    }
    return value;
  }

  /** A media URL: https (unless the emulator allows http), at most 2000 characters. */
  url(owner: Record<string, unknown>, key: string, at: string, required: boolean): void {
    const value = this.string(owner, key, at, { required, max: LIMITS.urlLength });
    if (value === undefined) return;
    const allowed = this.options.allowHttpMediaUrls ? /^https?:\/\//i : /^https:\/\//i;
    if (!allowed.test(value)) this.add(`${at}.${key}`, 'Must be an HTTPS URL');
  }

  message(message: unknown, at: string): void {
    if (!isObject(message)) {
      this.add(at, 'Must be of type object');
      return;
    }
    const type = message.type;
    if (typeof type !== 'string' || !(MESSAGE_TYPES as readonly string[]).includes(type)) {
      this.add(`${at}.type`, `Must be one of the following values: [${MESSAGE_TYPES.join(', ')}]`);
      return;
    }
    switch (type) {
      case 'text':
      case 'textV2':
        this.string(message, 'text', at, { required: true, max: LIMITS.textLength });
        break;
      case 'image':
        this.url(message, 'originalContentUrl', at, true);
        this.url(message, 'previewImageUrl', at, true);
        break;
      case 'video':
        this.url(message, 'originalContentUrl', at, true);
        this.url(message, 'previewImageUrl', at, true);
        break;
      case 'audio':
        this.url(message, 'originalContentUrl', at, true);
        if (typeof message.duration !== 'number') this.add(`${at}.duration`, 'May not be empty');
        break;
      case 'location':
        this.string(message, 'title', at, { required: true, max: LIMITS.locationTitle });
        this.string(message, 'address', at, { required: true, max: LIMITS.locationAddress });
        for (const key of ['latitude', 'longitude']) {
          if (typeof message[key] !== 'number') this.add(`${at}.${key}`, 'May not be empty');
        }
        break;
      case 'sticker':
        this.string(message, 'packageId', at, { required: true });
        this.string(message, 'stickerId', at, { required: true });
        break;
      case 'flex':
        this.string(message, 'altText', at, { required: true, max: LIMITS.altText });
        this.flex(message.contents, `${at}.contents`);
        break;
      case 'template':
        this.string(message, 'altText', at, { required: true, max: LIMITS.altText });
        this.template(message.template, `${at}.template`);
        break;
      case 'imagemap':
        this.string(message, 'altText', at, { required: true, max: LIMITS.altText });
        this.string(message, 'baseUrl', at, { required: true, max: LIMITS.urlLength });
        break;
    }
    if (message.quickReply !== undefined) this.quickReply(message.quickReply, `${at}.quickReply`);
    if (message.sender !== undefined) {
      if (!isObject(message.sender)) this.add(`${at}.sender`, 'Must be of type object');
      else {
        this.string(message.sender, 'name', `${at}.sender`, { max: LIMITS.senderName });
        if (message.sender.iconUrl !== undefined) this.url(message.sender, 'iconUrl', `${at}.sender`, false);
      }
    }
  }

  quickReply(quickReply: unknown, at: string): void {
    if (!isObject(quickReply) || !Array.isArray(quickReply.items)) {
      this.add(`${at}.items`, 'May not be empty');
      return;
    }
    const items = quickReply.items;
    if (items.length < 1 || items.length > LIMITS.quickReplyItems) {
      this.add(`${at}.items`, `Size must be between 1 and ${LIMITS.quickReplyItems}`);
    }
    items.forEach((item, i) => {
      const itemAt = `${at}.items[${i}]`;
      if (!isObject(item)) {
        this.add(itemAt, 'Must be of type object');
        return;
      }
      if (item.type !== undefined && item.type !== 'action') {
        this.add(`${itemAt}.type`, 'Must be one of the following values: [action]');
      }
      if (item.imageUrl !== undefined) this.url(item, 'imageUrl', itemAt, false);
      this.action(item.action, `${itemAt}.action`, 'quickReply', true);
    });
  }

  /** An action object; `labelRequired` for quick-reply buttons and template actions. */
  action(action: unknown, at: string, context: ActionContext, labelRequired = false): void {
    if (!isObject(action)) {
      this.add(at, 'May not be empty');
      return;
    }
    const type = action.type;
    if (typeof type !== 'string' || !ACTION_TYPES.includes(type)) {
      this.add(`${at}.type`, `Must be one of the following values: [${ACTION_TYPES.join(', ')}]`);
      return;
    }
    if (QUICK_REPLY_ONLY.has(type) && context !== 'quickReply') {
      this.add(`${at}.type`, `The ${type} action can be used only in quick reply buttons`);
    }
    if (type === 'richmenuswitch' && context !== 'richMenu') {
      this.add(`${at}.type`, 'The richmenuswitch action can be used only in rich menus');
    }
    const labelMax = context === 'message' ? 40 : LIMITS.actionLabel;
    this.string(action, 'label', at, { required: labelRequired, max: labelMax, count: chars });

    switch (type) {
      case 'postback':
        this.string(action, 'data', at, { required: true, max: LIMITS.postbackData });
        this.string(action, 'displayText', at, { max: LIMITS.displayText });
        this.string(action, 'text', at, { max: LIMITS.displayText });
        if (action.displayText !== undefined && action.text !== undefined) {
          this.add(`${at}.text`, 'displayText and text cannot be used together');
        }
        break;
      case 'message':
        this.string(action, 'text', at, { required: true, max: LIMITS.messageActionText });
        break;
      case 'uri': {
        const uri = this.string(action, 'uri', at, { required: true, max: LIMITS.uriLength });
        if (uri !== undefined && !/^(https?|line|tel):/i.test(uri)) {
          this.add(`${at}.uri`, 'The scheme must be http, https, line or tel');
        }
        break;
      }
      case 'datetimepicker':
        this.string(action, 'data', at, { required: true, max: LIMITS.postbackData });
        if (!['date', 'time', 'datetime'].includes(action.mode as string)) {
          this.add(`${at}.mode`, 'Must be one of the following values: [date, time, datetime]');
        }
        break;
      case 'richmenuswitch':
        this.string(action, 'richMenuAliasId', at, { required: true, max: 32 });
        this.string(action, 'data', at, { required: true, max: LIMITS.postbackData });
        break;
      case 'clipboard':
        this.string(action, 'clipboardText', at, { required: true, max: LIMITS.clipboardText });
        break;
    }
  }

  flex(contents: unknown, at: string): void {
    if (!isObject(contents)) {
      this.add(at, 'May not be empty');
      return;
    }
    const bytes = Buffer.byteLength(JSON.stringify(contents), 'utf8');
    if (contents.type === 'bubble') {
      if (bytes > LIMITS.bubbleBytes)
        this.add(at, `A bubble must be at most ${LIMITS.bubbleBytes} bytes of JSON`);
    } else if (contents.type === 'carousel') {
      const bubbles = contents.contents;
      if (!Array.isArray(bubbles) || bubbles.length < 1 || bubbles.length > LIMITS.carouselBubbles) {
        this.add(`${at}.contents`, `Size must be between 1 and ${LIMITS.carouselBubbles}`);
      } else {
        bubbles.forEach((bubble, i) => {
          if (Buffer.byteLength(JSON.stringify(bubble ?? null), 'utf8') > LIMITS.bubbleBytes) {
            this.add(`${at}.contents[${i}]`, `A bubble must be at most ${LIMITS.bubbleBytes} bytes of JSON`);
          }
        });
      }
      if (bytes > LIMITS.carouselBytes) {
        this.add(at, `A carousel must be at most ${LIMITS.carouselBytes} bytes of JSON`);
      }
    } else {
      this.add(`${at}.type`, 'Must be one of the following values: [bubble, carousel]');
      return;
    }
    this.flexActions(contents, at);
  }

  /** Every `action` inside a Flex container (bubble action, box action, button action...). */
  private flexActions(node: unknown, at: string): void {
    if (Array.isArray(node)) {
      node.forEach((item, i) => this.flexActions(item, `${at}[${i}]`));
      return;
    }
    if (!isObject(node)) return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'action') this.action(value, `${at}.action`, 'message', false);
      else if (typeof value === 'object' && value !== null) this.flexActions(value, `${at}.${key}`);
    }
  }

  template(template: unknown, at: string): void {
    if (!isObject(template)) {
      this.add(at, 'May not be empty');
      return;
    }
    const actions = (list: unknown, listAt: string, min: number, max: number) => {
      if (!Array.isArray(list) || list.length < min || list.length > max) {
        this.add(listAt, `Size must be between ${min} and ${max}`);
        return;
      }
      list.forEach((action, i) => this.action(action, `${listAt}[${i}]`, 'message', true));
    };
    switch (template.type) {
      case 'buttons': {
        const short = template.thumbnailImageUrl !== undefined || template.title !== undefined;
        this.string(template, 'text', at, {
          required: true,
          max: short ? LIMITS.buttonsTextWithImageOrTitle : LIMITS.buttonsText,
        });
        this.string(template, 'title', at, { max: 40 });
        if (template.thumbnailImageUrl !== undefined) this.url(template, 'thumbnailImageUrl', at, false);
        actions(template.actions, `${at}.actions`, 1, LIMITS.buttonsActions);
        if (template.defaultAction !== undefined)
          this.action(template.defaultAction, `${at}.defaultAction`, 'message');
        break;
      }
      case 'confirm':
        this.string(template, 'text', at, { required: true, max: LIMITS.confirmText });
        actions(template.actions, `${at}.actions`, 2, 2);
        break;
      case 'carousel':
      case 'image_carousel': {
        const columns = template.columns;
        if (!Array.isArray(columns) || columns.length < 1 || columns.length > LIMITS.templateColumns) {
          this.add(`${at}.columns`, `Size must be between 1 and ${LIMITS.templateColumns}`);
          break;
        }
        columns.forEach((column, i) => {
          const columnAt = `${at}.columns[${i}]`;
          if (!isObject(column)) return this.add(columnAt, 'Must be of type object');
          if (template.type === 'carousel') {
            this.string(column, 'text', columnAt, { required: true, max: 120 });
            actions(column.actions, `${columnAt}.actions`, 1, 3);
          } else {
            this.url(column, 'imageUrl', columnAt, true);
            this.action(column.action, `${columnAt}.action`, 'message', false);
          }
        });
        break;
      }
      default:
        this.add(
          `${at}.type`,
          'Must be one of the following values: [buttons, confirm, carousel, image_carousel]',
        );
    }
  }
}

/** Problems of a `messages` array as LINE would report them (empty when LINE would accept it). */
export function checkMessages(messages: unknown, options: RuleOptions = {}, at = 'messages'): ErrorDetail[] {
  const checker = new Checker(options);
  if (!Array.isArray(messages)) {
    checker.add(at, 'May not be empty');
    return checker.details;
  }
  if (messages.length < 1 || messages.length > LIMITS.messagesPerRequest) {
    checker.add(at, `Size must be between 1 and ${LIMITS.messagesPerRequest}`);
  }
  messages.forEach((message, i) => checker.message(message, `${at}[${i}]`));
  return checker.details;
}

/** Problems of one action object in a given context (used for rich menu areas). */
export function checkAction(action: unknown, at: string, context: ActionContext, options: RuleOptions = {}) {
  const checker = new Checker(options);
  checker.action(action, at, context);
  return checker.details;
}

/** Merge hand-checked and OpenAPI problems: one entry per property, the hand-checked one first. */
export function mergeDetails(primary: ErrorDetail[], secondary: ErrorDetail[]): ErrorDetail[] {
  const seen = new Set(primary.map((d) => d.property));
  return [...primary, ...secondary.filter((d) => !seen.has(d.property))];
}
