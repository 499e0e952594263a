import type { messagingApi } from '@line/bot-sdk';
import type { Input } from '../conversation';
import {
  handleFeedbackPostback,
  isFeedbackPostback,
  takeFeedbackComment,
  type CommentWait,
  type FeedbackDeps,
} from './feedback';

/** Feedback's slot in the chat state, beside the conversation engine's own state. */
export type FeedbackSlot = { commentWait?: CommentWait };

/** The engine's state and feedback's slot (chats of earlier versions kept `commentWait` at the top). */
export function splitChatState(state: Record<string, unknown>): {
  engine: Record<string, unknown>;
  feedback: FeedbackSlot;
} {
  const { feedback, commentWait, ...engine } = state as {
    feedback?: FeedbackSlot;
    commentWait?: CommentWait;
  };
  return { engine, feedback: feedback ?? (commentWait ? { commentWait } : {}) };
}

export function joinChatState(
  engine: Record<string, unknown>,
  feedback: FeedbackSlot,
): Record<string, unknown> {
  return feedback.commentWait ? { ...engine, feedback } : engine;
}

/**
 * The step before the engine: a tap on a completed case's rating card, and the comment after "add
 * a comment", are feedback's, not the conversation's. `messages` when it took the input; the slot
 * to keep either way (a reminder tick leaves an awaited comment awaited, anything else drops it).
 */
export async function feedbackStep(
  deps: FeedbackDeps,
  input: Input,
  slot: FeedbackSlot,
  who: { userId: string; language: string; at: Date },
): Promise<{ messages?: messagingApi.Message[]; slot: FeedbackSlot }> {
  if (input.kind === 'postback' && isFeedbackPostback(input.data)) {
    const answer = await handleFeedbackPostback(deps, input.data, who.userId, who.language, who.at);
    return { messages: answer.messages, slot: answer.commentWait ? { commentWait: answer.commentWait } : {} };
  }
  if (input.kind === 'text' && slot.commentWait) {
    const comment = await takeFeedbackComment(deps, slot.commentWait, input.text, who.language, who.at);
    if (comment) return { messages: comment, slot: {} };
  }
  return { slot: input.kind === 'timeout' ? slot : {} };
}
