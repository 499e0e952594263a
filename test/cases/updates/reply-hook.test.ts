import type { HandlerContext } from '../../../src/ingestion/event-handler';
import { withWaitingUpdates } from '../../../src/cases/updates/reply-hook';

/** The event path asks for waiting news only when the chat says some waits (or on a retry). */
describe('the reply hook', () => {
  const userId = `U${'1'.repeat(32)}`;
  const context = (over: Partial<HandlerContext>): HandlerContext => ({
    eventId: 'event-1',
    event: {
      type: 'message',
      mode: 'active',
      timestamp: Date.now(),
      webhookEventId: 'event-1',
      deliveryContext: { isRedelivery: false },
      source: { type: 'user', userId },
      replyToken: 'token-1',
      message: { type: 'text', id: 'm1', text: 'hello', quoteToken: 'q' },
    },
    chatKey: `user:${userId}`,
    state: {},
    receivedAt: new Date(),
    replyToken: 'token-1',
    replyTokenExpiresAt: new Date(Date.now() + 50_000),
    attempt: 1,
    ...over,
  });
  const bot = async () => ({
    state: {},
    outbox: [
      {
        id: 'event-1:reply',
        to: userId,
        purpose: 'reply',
        messages: [{ type: 'text' as const, text: 'hi' }],
        replyToken: 'token-1',
      },
    ],
  });

  it('looks for news only when it waits, or when the event is retried', async () => {
    const asked: string[] = [];
    const updates = {
      forReply: async (to: string) => {
        asked.push(to);
        return { messages: [{ type: 'text' as const, text: 'news' }], references: ['NL-2569-000001'] };
      },
    };
    const handler = withWaitingUpdates(bot, updates);

    const quiet = await handler(context({ newsWaiting: false }));
    expect(asked).toEqual([]);
    expect(quiet.outbox[0]!.messages).toHaveLength(1);

    const told = await handler(context({ newsWaiting: true }));
    expect(asked).toEqual([userId]);
    expect(told.outbox[0]!.messages.map((m) => (m as { text: string }).text)).toEqual(['hi', 'news']);

    await handler(context({ newsWaiting: false, attempt: 2 }));
    expect(asked).toEqual([userId, userId]);
  });
});
