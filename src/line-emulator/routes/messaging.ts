import { LineApiError, MESSAGES, invalidBody } from '../errors';
import type { EmulatorEnv } from '../env';
import type { RequestContext, Router } from '../http';
import { newQuoteToken, newSentMessageId } from '../ids';
import { LIMITS, checkMessages } from '../message-rules';
import type { ErrorDetail, SentVia } from '../types';
import { requireString, requireStringArray, validatedBody } from '../validation';

/** Message types a later message can quote: LINE returns a quoteToken for them. */
const QUOTABLE = new Set(['text', 'textV2', 'sticker', 'image', 'video']);

/** Group (C...) and room (R...) ids: the loading animation works in one-to-one chats only. */
const GROUP_OR_ROOM = /^[CR][0-9a-f]{32}$/;

/** 409 for a retry key LINE already accepted (within 24 hours): nothing is sent again. */
function refuseAcceptedRetryKey(env: EmulatorEnv, ctx: RequestContext): void {
  if (!ctx.retryKey) return;
  const accepted = env.state.acceptedRetryKey(ctx.retryKey);
  if (!accepted) return;
  throw new LineApiError(
    409,
    {
      message: MESSAGES.retryKeyAccepted,
      ...(accepted.sentMessages.length > 0 ? { sentMessages: accepted.sentMessages } : {}),
    },
    { 'x-line-accepted-request-id': accepted.requestId },
  );
}

/** 429 when a limited monthly quota cannot cover these recipients. */
function checkQuota(env: EmulatorEnv, recipients: string[]): void {
  const { quota } = env.state;
  if (quota.type !== 'limited') return;
  const counted = recipients.filter((to) => !env.state.blocked.has(to)).length;
  if (env.state.consumption() + counted > (quota.value ?? 0)) {
    throw new LineApiError(429, { message: MESSAGES.monthlyLimit });
  }
}

/** Records the messages as sent to each recipient; returns `sentMessages` as LINE answers them. */
function deliver(
  env: EmulatorEnv,
  ctx: RequestContext,
  via: SentVia,
  recipients: string[],
  messages: Record<string, unknown>[],
  replyToken?: string,
): { id: string; quoteToken?: string }[] {
  const at = Date.now();
  const sentMessages = messages.map((message) => ({
    id: newSentMessageId(),
    ...(QUOTABLE.has(message.type as string) ? { quoteToken: newQuoteToken() } : {}),
  }));
  for (const to of recipients) {
    messages.forEach((message, position) => {
      env.state.recordSent({
        to,
        via,
        message,
        ...(ctx.retryKey ? { retryKey: ctx.retryKey } : {}),
        ...(replyToken ? { replyToken } : {}),
        requestId: ctx.requestId,
        messageId: sentMessages[position]!.id,
        position,
        at,
        delivered: !env.state.blocked.has(to),
      });
    });
  }
  if (via !== 'reply') {
    env.state.usage.push({ at, recipients: recipients.filter((to) => !env.state.blocked.has(to)).length });
  }
  if (ctx.retryKey) env.state.retryKeys.set(ctx.retryKey, { requestId: ctx.requestId, at, sentMessages });
  return sentMessages;
}

const messagesOf = (body: Record<string, unknown>) => body.messages as Record<string, unknown>[];

export function messagingRoutes(router: Router, env: EmulatorEnv): void {
  const rules = (extra: (body: Record<string, unknown>) => ErrorDetail[] = () => []) => {
    return (body: Record<string, unknown>) => [...extra(body), ...checkMessages(body.messages, env.rules)];
  };

  router.on('POST', '/v2/bot/message/reply', (ctx) => {
    const body = validatedBody(
      env,
      ctx,
      rules((b) => requireString(b, 'replyToken')),
    );
    const replyToken = body.replyToken as string;
    const chatId = env.state.replyTarget(replyToken);
    if (chatId === undefined) throw new LineApiError(400, { message: MESSAGES.invalidReplyToken });
    env.state.useReplyToken(replyToken);
    const sentMessages = deliver(env, ctx, 'reply', [chatId], messagesOf(body), replyToken);
    return { status: 200, body: { sentMessages } };
  });

  router.on('POST', '/v2/bot/message/push', (ctx) => {
    refuseAcceptedRetryKey(env, ctx);
    const body = validatedBody(
      env,
      ctx,
      rules((b) => requireString(b, 'to')),
    );
    checkQuota(env, [body.to as string]);
    const sentMessages = deliver(env, ctx, 'push', [body.to as string], messagesOf(body));
    return { status: 200, body: { sentMessages } };
  });

  router.on('POST', '/v2/bot/message/multicast', (ctx) => {
    refuseAcceptedRetryKey(env, ctx);
    const body = validatedBody(
      env,
      ctx,
      rules((b) => requireStringArray(b, 'to', 1, LIMITS.multicastRecipients)),
    );
    const recipients = [...new Set(body.to as string[])];
    checkQuota(env, recipients);
    deliver(env, ctx, 'multicast', recipients, messagesOf(body));
    return { status: 200, body: {} };
  });

  // Narrowcast and broadcast go to every known user (the emulator does not evaluate audiences or filters).
  router.on('POST', '/v2/bot/message/narrowcast', (ctx) => {
    refuseAcceptedRetryKey(env, ctx);
    const body = validatedBody(env, ctx, rules());
    const recipients = [...env.state.users.keys()];
    checkQuota(env, recipients);
    deliver(env, ctx, 'narrowcast', recipients, messagesOf(body));
    return { status: 202, body: {} };
  });

  router.on('GET', '/v2/bot/message/progress/narrowcast', (ctx) => {
    const requestId = ctx.query.get('requestId');
    const sent = env.state.sent.filter((m) => m.requestId === requestId && m.via === 'narrowcast');
    if (!requestId) throw invalidBody([{ property: 'requestId', message: 'May not be empty' }]);
    const targets = new Set(sent.map((m) => m.to)).size;
    const at = sent[0]?.at ?? Date.now();
    return {
      status: 200,
      body: {
        phase: 'succeeded',
        successCount: targets,
        failureCount: 0,
        targetCount: targets,
        acceptedTime: new Date(at).toISOString(),
        completedTime: new Date(at).toISOString(),
      },
    };
  });

  router.on('POST', '/v2/bot/message/broadcast', (ctx) => {
    refuseAcceptedRetryKey(env, ctx);
    const body = validatedBody(env, ctx, rules());
    const recipients = [...env.state.users.keys()];
    checkQuota(env, recipients);
    deliver(env, ctx, 'broadcast', recipients, messagesOf(body));
    return { status: 200, body: {} };
  });

  for (const kind of ['reply', 'push', 'multicast', 'narrowcast', 'broadcast']) {
    router.on('POST', `/v2/bot/message/validate/${kind}`, (ctx) => {
      validatedBody(env, ctx, rules());
      return { status: 200, body: {} };
    });
  }

  router.on('GET', '/v2/bot/message/quota', () => {
    const { quota } = env.state;
    return {
      status: 200,
      body: quota.type === 'limited' ? { type: 'limited', value: quota.value ?? 0 } : { type: 'none' },
    };
  });

  router.on('GET', '/v2/bot/message/quota/consumption', () => ({
    status: 200,
    body: { totalUsage: env.state.consumption() },
  }));

  router.on('POST', '/v2/bot/chat/loading/start', (ctx) => {
    const body = validatedBody(env, ctx, (b) => {
      const details = requireString(b, 'chatId');
      const seconds = b.loadingSeconds;
      if (
        seconds !== undefined &&
        (typeof seconds !== 'number' ||
          !Number.isInteger(seconds) ||
          seconds < 5 ||
          seconds > 60 ||
          seconds % 5 !== 0)
      ) {
        details.push({ property: 'loadingSeconds', message: 'Must be a multiple of 5 between 5 and 60' });
      }
      if (typeof b.chatId === 'string' && GROUP_OR_ROOM.test(b.chatId)) {
        details.push({ property: 'chatId', message: 'The loading animation works in one-on-one chats only' });
      }
      return details;
    });
    env.state.loading.push({
      chatId: body.chatId as string,
      loadingSeconds: (body.loadingSeconds as number | undefined) ?? 20,
      at: Date.now(),
    });
    return { status: 202, body: {} };
  });
}
