import type { messagingApi } from '@line/bot-sdk';
import type { EventHandler } from '../../ingestion/event-handler';
import { MESSAGES_PER_CALL, type OutgoingBatch } from '../../line/sender';
import type { UpdateDelivery } from './delivery';

/**
 * Free first: when a reporter writes while status news waits for them, the news goes in the reply
 * to their message (free) and is no longer pushed. Wraps the bot's handler: the reply it makes gets
 * the cards (before a message carrying quick replies, which LINE shows only on the last one), or a
 * reply is made for them when the bot says nothing (a message to staff in a hand-off). Only in a
 * one-to-one chat, with a fresh token, and never in a reply that must not be kept (a data copy).
 */
export function withWaitingUpdates(
  handler: EventHandler,
  updates: Pick<UpdateDelivery, 'forReply'>,
  now: () => Date = () => new Date(),
): EventHandler {
  return async (context) => {
    const result = await handler(context);
    // Looked up only when news waits (a flag read with the chat), or for a retry that may have taken it.
    if (!context.newsWaiting && context.attempt === 1) return result;
    const { event, replyToken, replyTokenExpiresAt } = context;
    const to = event.source?.type === 'user' ? event.source.userId : undefined;
    if (!to || context.chatKey !== `user:${to}` || !replyToken || !replyTokenExpiresAt) return result;
    if (replyTokenExpiresAt.getTime() <= now().getTime()) return result;
    const replyId = `${context.eventId}:reply`;
    if (result.outbox.some((batch) => batch.replyToken === replyToken && batch.id !== replyId)) return result;
    const reply = result.outbox.find((batch) => batch.id === replyId);
    if (reply && (reply.replyOnly || reply.forgetContent || reply.replyToken !== replyToken)) return result;

    const room = MESSAGES_PER_CALL - (reply?.messages.length ?? 0);
    const news = await updates.forReply(to, replyId, room, context.attempt > 1);
    if (news.messages.length === 0) return result;
    const references = [
      ...new Set([...(reply?.caseReference ? [reply.caseReference] : []), ...news.references]),
    ];
    const batch: OutgoingBatch = {
      ...(reply ?? {
        id: replyId,
        to,
        purpose: 'case_status',
        eventId: context.eventId,
        messages: [],
        replyToken,
        replyTokenExpiresAt,
      }),
      messages: withNews(reply?.messages ?? [], news.messages),
      caseReference: references[0],
      caseReferences: references,
    };
    return {
      ...result,
      outbox: reply ? result.outbox.map((b) => (b === reply ? batch : b)) : [...result.outbox, batch],
    };
  };
}

/** The news before the bot's last message when that one carries quick replies, after it otherwise. */
function withNews(messages: messagingApi.Message[], news: messagingApi.Message[]): messagingApi.Message[] {
  const last = messages.at(-1);
  if (last && 'quickReply' in last && last.quickReply) return [...messages.slice(0, -1), ...news, last];
  return [...messages, ...news];
}
