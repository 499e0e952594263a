import { EventEmitter } from 'node:events';
import { newReplyToken } from './ids';
import type {
  ContentEntry,
  Fault,
  LoadingAnimation,
  Quota,
  RecordedCall,
  RichMenuRecord,
  SentMessage,
  UserProfile,
} from './types';

export const RETRY_KEY_LIFETIME_MS = 24 * 60 * 60 * 1000;

type ReplyTokenEntry = { chatId: string; expiresAt: number; used: boolean };
export type AcceptedRetryKey = {
  requestId: string;
  at: number;
  sentMessages: { id: string; quoteToken?: string }[];
};
export type ActiveFault = Fault & { remaining: number };

/** LINE counts quota per calendar month in Japan time. */
const monthKey = (at: number): string => {
  const japan = new Date(at + 9 * 60 * 60 * 1000);
  return `${japan.getUTCFullYear()}-${japan.getUTCMonth()}`;
};

/** Everything the emulated LINE platform remembers; the routes read and change it. */
export class EmulatorState {
  readonly events = new EventEmitter();
  calls: RecordedCall[] = [];
  private nextCallId = 1;
  sent: SentMessage[] = [];
  users = new Map<string, UserProfile>();
  blocked = new Set<string>();
  content = new Map<string, ContentEntry>();
  replyTokens = new Map<string, ReplyTokenEntry>();
  retryKeys = new Map<string, AcceptedRetryKey>();
  faults: ActiveFault[] = [];
  quota: Quota = { type: 'none' };
  /** Delivered recipients of each accepted quota-counted request. */
  usage: { at: number; recipients: number }[] = [];
  loading: LoadingAnimation[] = [];
  richMenus = new Map<string, RichMenuRecord>();
  richMenuImages = new Map<string, { contentType: string; data: Buffer }>();
  aliases = new Map<string, string>();
  defaultRichMenuId: string | null = null;
  userLinks = new Map<string, string>();

  constructor(private readonly replyTokenTtlMs: number) {
    this.events.setMaxListeners(0);
  }

  reset(): void {
    this.calls = [];
    this.nextCallId = 1;
    this.sent = [];
    this.users.clear();
    this.blocked.clear();
    this.content.clear();
    this.replyTokens.clear();
    this.retryKeys.clear();
    this.faults = [];
    this.quota = { type: 'none' };
    this.usage = [];
    this.loading = [];
    this.richMenus.clear();
    this.richMenuImages.clear();
    this.aliases.clear();
    this.defaultRichMenuId = null;
    this.userLinks.clear();
  }

  startCall(call: Omit<RecordedCall, 'id' | 'status' | 'response'>): RecordedCall {
    const recorded: RecordedCall = { id: this.nextCallId++, status: 0, response: undefined, ...call };
    this.calls.push(recorded);
    return recorded;
  }

  issueReplyToken(chatId: string, token = newReplyToken()): string {
    this.replyTokens.set(token, { chatId, expiresAt: Date.now() + this.replyTokenTtlMs, used: false });
    return token;
  }

  expireReplyToken(token: string): void {
    const entry = this.replyTokens.get(token);
    if (entry) entry.expiresAt = 0;
  }

  /** The chat a token answers, if it is known, unexpired and unused. */
  replyTarget(token: string): string | undefined {
    const entry = this.replyTokens.get(token);
    if (!entry || entry.used || entry.expiresAt <= Date.now()) return undefined;
    return entry.chatId;
  }

  useReplyToken(token: string): void {
    const entry = this.replyTokens.get(token);
    if (entry) entry.used = true;
  }

  acceptedRetryKey(key: string): AcceptedRetryKey | undefined {
    const entry = this.retryKeys.get(key);
    if (entry && entry.at + RETRY_KEY_LIFETIME_MS <= Date.now()) {
      this.retryKeys.delete(key);
      return undefined;
    }
    return entry;
  }

  recordSent(message: Omit<SentMessage, 'index'>): SentMessage {
    const sent: SentMessage = { index: this.sent.length, ...message };
    this.sent.push(sent);
    this.events.emit('message', sent);
    return sent;
  }

  sentTo(chatId?: string): SentMessage[] {
    return chatId === undefined ? [...this.sent] : this.sent.filter((m) => m.to === chatId);
  }

  /** Messages counted against the quota in the current month (delivered recipients per request). */
  consumption(now = Date.now()): number {
    const month = monthKey(now);
    return this.usage.filter((u) => monthKey(u.at) === month).reduce((sum, u) => sum + u.recipients, 0);
  }

  /** The first active fault for a request, used up by one. */
  takeFault(method: string, path: string): ActiveFault | undefined {
    const fault = this.faults.find(
      (f) =>
        f.remaining > 0 &&
        (!f.method || f.method.toUpperCase() === method) &&
        (typeof f.path === 'string' ? f.path === path : f.path.test(path)),
    );
    if (!fault) return undefined;
    fault.remaining -= 1;
    this.faults = this.faults.filter((f) => f.remaining > 0);
    return fault;
  }

  addFault(fault: Fault): void {
    const times = fault.times === undefined ? 1 : fault.times < 0 ? Infinity : fault.times;
    this.faults.push({ ...fault, remaining: times });
  }

  /** The rich menu a user sees: their own link first, then the default. */
  richMenuOf(userId: string): string | undefined {
    return this.userLinks.get(userId) ?? this.defaultRichMenuId ?? undefined;
  }

  deleteRichMenu(richMenuId: string): void {
    this.richMenus.delete(richMenuId);
    this.richMenuImages.delete(richMenuId);
    if (this.defaultRichMenuId === richMenuId) this.defaultRichMenuId = null;
    for (const [userId, linked] of this.userLinks) if (linked === richMenuId) this.userLinks.delete(userId);
    for (const [aliasId, target] of this.aliases) if (target === richMenuId) this.aliases.delete(aliasId);
  }
}
