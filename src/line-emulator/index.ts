import type { AddressInfo } from 'node:net';
import type { EmulatorEnv } from './env';
import { OpenApiValidator } from './openapi-validator';
import { richMenuStateView } from './routes/admin';
import { createEmulatorServer } from './server';
import { EmulatorState } from './state';
import type { EmulatorOptions, LineEmulator, RichMenuState, SentMessage } from './types';

export type * from './types';
export { OpenApiValidator, locateSpec } from './openapi-validator';
export { checkMessages, LIMITS } from './message-rules';
export { checkRichMenu, RICH_MENU_LIMITS } from './richmenu-rules';
export { solidPng, inspectImage } from './images';

export const DEFAULT_CHANNEL_ACCESS_TOKEN = 'emulator-token';

let sharedValidator: { path: string | undefined; validator: OpenApiValidator } | undefined;

/** The OpenAPI document is parsed once per process (it is ~150 KB). */
function validatorFor(specPath: string | undefined): OpenApiValidator {
  if (!sharedValidator || sharedValidator.path !== specPath) {
    sharedValidator = { path: specPath, validator: OpenApiValidator.load(specPath) };
  }
  return sharedValidator.validator;
}

/**
 * Starts a local LINE Messaging API (api.line.me and api-data.line.me on one origin) that validates
 * requests like LINE, records every call and can inject faults. Point the SDK clients' baseURL, or
 * LINE_API_BASE_URL and LINE_DATA_API_BASE_URL, at `url`.
 */
export async function startLineEmulator(options: EmulatorOptions = {}): Promise<LineEmulator> {
  const channelAccessToken = options.channelAccessToken ?? DEFAULT_CHANNEL_ACCESS_TOKEN;
  const state = new EmulatorState(options.replyTokenTtlMs ?? 60_000);
  const env: EmulatorEnv = {
    state,
    channelAccessToken,
    rules: { allowHttpMediaUrls: options.allowHttpMediaUrls ?? false },
    ...(options.validateWithOpenApi === false ? {} : { validator: validatorFor(options.openApiSpecPath) }),
  };
  const { server, hanging } = createEmulatorServer(env);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  const emulator: LineEmulator = {
    url,
    channelAccessToken,
    calls: () => state.calls.map((call) => ({ ...call })),
    sentMessages: (userId) => state.sentTo(userId),
    waitForMessages({ userId, count, timeoutMs = 20_000 }) {
      const current = () => state.sentTo(userId);
      if (current().length >= count) return Promise.resolve(current());
      return new Promise<SentMessage[]>((resolve, reject) => {
        const timer = setTimeout(() => {
          off();
          reject(new Error(`LINE emulator: ${current().length} of ${count} messages after ${timeoutMs} ms`));
        }, timeoutMs);
        const off = emulator.onMessage(() => {
          if (current().length < count) return;
          clearTimeout(timer);
          off();
          resolve(current());
        });
      });
    },
    onMessage(listener) {
      state.events.on('message', listener);
      return () => state.events.off('message', listener);
    },
    loadingAnimations: (chatId) => state.loading.filter((l) => chatId === undefined || l.chatId === chatId),
    issueReplyToken: (chatId, token) => state.issueReplyToken(chatId, token),
    expireReplyToken: (token) => state.expireReplyToken(token),
    addUser: (profile) => {
      state.users.set(profile.userId, { ...profile });
    },
    setBlocked: (userId, blocked) => {
      if (blocked) state.blocked.add(userId);
      else state.blocked.delete(userId);
    },
    addContent: (messageId, content) => {
      state.content.set(messageId, content);
    },
    injectFault: (fault) => state.addFault(fault),
    setQuota: (quota) => {
      state.quota =
        quota.type === 'limited' ? { type: 'limited', value: quota.value ?? 0 } : { type: 'none' };
    },
    quotaConsumption: () => state.consumption(),
    richMenuState(): RichMenuState {
      const view = richMenuStateView(env);
      return {
        ...view,
        images: Object.fromEntries(
          [...state.richMenuImages].map(([id, image]) => [
            id,
            { contentType: image.contentType, size: image.data.length, data: image.data },
          ]),
        ),
      };
    },
    switchRichMenu(userId, richMenuAliasId) {
      const richMenuId = state.aliases.get(richMenuAliasId);
      if (!richMenuId) return 'RICHMENU_ALIAS_ID_NOTFOUND';
      if (!state.richMenus.has(richMenuId)) return 'RICHMENU_NOTFOUND';
      state.userLinks.set(userId, richMenuId);
      return 'SUCCESS';
    },
    reset: () => state.reset(),
    async stop() {
      for (const res of hanging) res.destroy();
      hanging.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  return emulator;
}
