/** Public types of the LINE Messaging API emulator. */

export type EmulatorOptions = {
  /** 0 or absent: a random free port. */
  port?: number;
  /** Interface to listen on; default 127.0.0.1 (the admin endpoints answer loopback callers only). */
  host?: string;
  /** Requests need `Authorization: Bearer <it>`, else 401. Default 'emulator-token'. */
  channelAccessToken?: string;
  /** How long an issued reply token stays valid. Default 60 000 ms (LINE: about a minute). */
  replyTokenTtlMs?: number;
  /** Check request bodies against LINE's OpenAPI description too. Default true. */
  validateWithOpenApi?: boolean;
  /** Accept http:// media and icon URLs (LINE demands https). Default false; the sandbox may set it. */
  allowHttpMediaUrls?: boolean;
  /** Path to messaging-api.json; default: the copy vendored beside the emulator. */
  openApiSpecPath?: string;
};

export type ErrorDetail = { message: string; property: string };

/** LINE's error body: `{ message, details? }`. */
export type LineErrorBody = { message: string; details?: ErrorDetail[]; sentMessages?: unknown[] };

export type RecordedCall = {
  /** 1, 2, 3... in arrival order. */
  id: number;
  /** Arrival time, ms since the epoch. */
  at: number;
  method: string;
  /** Path without the query string. */
  path: string;
  /** The query string without '?', when there was one. */
  query?: string;
  retryKey?: string;
  /** `x-line-request-id` of the answer. */
  requestId?: string;
  /** Parsed JSON body; for binary uploads `{ contentType, size }`; undefined when there was none. */
  body: unknown;
  /** 0 while unanswered (or never: a hang fault). */
  status: number;
  /** Parsed JSON answer; for binary answers `{ contentType, size }`. */
  response: unknown;
  durationMs?: number;
  /** Set when an injected fault shaped the answer. */
  fault?: 'status' | 'hang' | 'delay';
};

export type SentVia = 'reply' | 'push' | 'multicast' | 'narrowcast' | 'broadcast';

export type SentMessage = {
  /** 0, 1, 2... over all messages the emulator accepted (the `after` cursor of GET /__emulator/messages). */
  index: number;
  /** The chat the message went to (user, group or room id). */
  to: string;
  via: SentVia;
  /** The message object exactly as the bot sent it. */
  message: Record<string, unknown>;
  retryKey?: string;
  /** Reply token that carried it (reply only). */
  replyToken?: string;
  /** `x-line-request-id` of the accepted request. */
  requestId: string;
  /** The id LINE returned in `sentMessages[].id` (push and reply). */
  messageId: string;
  /** Position in its request's `messages` array. */
  position: number;
  at: number;
  /** false when the user had blocked the account: LINE answers 200 and delivers nothing. */
  delivered: boolean;
};

export type UserProfile = {
  userId: string;
  displayName: string;
  language?: string;
  pictureUrl?: string;
  statusMessage?: string;
};

export type ContentEntry = { data: Buffer; contentType: string } | { status: 202 | 404 | 410 };

export type Fault = {
  /** HTTP method to match (any when absent). */
  method?: string;
  /** Exact path (without query) or a pattern tested against it. */
  path: string | RegExp;
  /** Status to answer (default 500 unless `hang` or only `delayMs`). */
  status?: number;
  /** Body to answer; default a LINE-like `{ message }` for the status. */
  body?: unknown;
  /** Extra answer headers (e.g. `retry-after` with a 429). */
  headers?: Record<string, string>;
  /** Never answer: the client's timeout fires. */
  hang?: boolean;
  /** Wait this long first; with no status/hang the request is then processed normally. */
  delayMs?: number;
  /**
   * 'before' (default): the fault replaces processing, nothing is sent.
   * 'after': the request is processed (messages accepted, retry key stored), then the answer is
   * replaced by the fault: LINE did the work but the client never learnt it.
   */
  when?: 'before' | 'after';
  /** How many matching requests it applies to (default 1; Infinity for all). */
  times?: number;
};

export type Quota = { type: 'none' | 'limited'; value?: number };

export type RichMenuRecord = {
  richMenuId: string;
  size: { width: number; height: number };
  selected: boolean;
  name: string;
  chatBarText: string;
  areas: unknown[];
};

export type RichMenuState = {
  menus: RichMenuRecord[];
  images: Record<string, { contentType: string; size: number; data: Buffer }>;
  aliases: Record<string, string>;
  defaultId: string | null;
  userLinks: Record<string, string>;
};

/** `params.status` of the postback LINE sends after a richmenuswitch tap. */
export type RichMenuSwitchStatus = 'SUCCESS' | 'RICHMENU_ALIAS_ID_NOTFOUND' | 'RICHMENU_NOTFOUND' | 'FAILED';

export type LoadingAnimation = { chatId: string; loadingSeconds: number; at: number };

export type LineEmulator = {
  /** Origin, e.g. http://127.0.0.1:43123: the value of LINE_API_BASE_URL and LINE_DATA_API_BASE_URL. */
  url: string;
  channelAccessToken: string;
  calls(): RecordedCall[];
  sentMessages(userId?: string): SentMessage[];
  /** Resolves when `count` messages (for that user, if given) have been accepted; rejects after timeoutMs. */
  waitForMessages(options: { userId?: string; count: number; timeoutMs?: number }): Promise<SentMessage[]>;
  /** Called for each accepted message; returns an unsubscribe function. */
  onMessage(listener: (message: SentMessage) => void): () => void;
  loadingAnimations(chatId?: string): LoadingAnimation[];
  /** A fresh reply token for the chat; `token` chooses its value (a load generator in another process). */
  issueReplyToken(chatId: string, token?: string): string;
  expireReplyToken(token: string): void;
  addUser(profile: UserProfile): void;
  /** A blocked user's messages are accepted (200) but not delivered, and not counted in the quota. */
  setBlocked(userId: string, blocked: boolean): void;
  addContent(messageId: string, content: ContentEntry): void;
  injectFault(fault: Fault): void;
  setQuota(quota: Quota): void;
  quotaConsumption(): number;
  richMenuState(): RichMenuState;
  /** What LINE's app does when a user taps a richmenuswitch area: links the alias's menu to them. */
  switchRichMenu(userId: string, richMenuAliasId: string): RichMenuSwitchStatus;
  reset(): void;
  stop(): Promise<void>;
};
