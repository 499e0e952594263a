import type { webhook } from '@line/bot-sdk';
import { postbackData } from '../conversation/postback';
import type { Input } from '../conversation';
import type { LineEvent } from '../ingestion/line-event';
import { TIMEOUT_EVENT_TYPE } from '../ingestion/event-handler';
import { HANDOFF_CLOSED_EVENT_TYPE } from '../handoffs/model';
import type { MediaKind } from '../media/media-store';

/** What a LINE event asks of the bot, before any I/O: pure, so it is tested without LINE. */
export type EventIntent =
  | { kind: 'ignore'; reason: string }
  | { kind: 'groupNotice' }
  | { kind: 'follow' }
  | { kind: 'unfollow' }
  | { kind: 'unsend'; lineMessageId: string }
  | {
      kind: 'media';
      lineMessageId: string;
      mediaKind: MediaKind;
      fileName?: string;
      imageSet?: { id: string; index: number; total: number };
    }
  | { kind: 'input'; input: Input };

export function intentOf(event: LineEvent): EventIntent {
  if (event.mode !== undefined && event.mode !== 'active')
    return { kind: 'ignore', reason: `mode ${event.mode}: another channel answers` };
  const sourceType = event.source?.type;
  if (sourceType === 'group' || sourceType === 'room') {
    // One line in answer to a message or an invitation; silence for everything else in groups.
    return (event.type === 'message' || event.type === 'join') && event.replyToken
      ? { kind: 'groupNotice' }
      : { kind: 'ignore', reason: 'group or room' };
  }
  if (!event.source?.userId) return { kind: 'ignore', reason: 'no user' };

  switch (event.type) {
    case TIMEOUT_EVENT_TYPE:
      return { kind: 'input', input: { kind: 'timeout' } };
    case HANDOFF_CLOSED_EVENT_TYPE:
      // Staff gave the conversation back: the same way back as the user's own "menu".
      return { kind: 'input', input: { kind: 'postback', data: postbackData.command('menu') } };
    case 'follow':
      return { kind: 'follow' };
    case 'unfollow':
      return { kind: 'unfollow' };
    case 'unsend': {
      const messageId = event.unsend?.messageId;
      return messageId
        ? { kind: 'unsend', lineMessageId: messageId }
        : { kind: 'ignore', reason: 'unsend without id' };
    }
    case 'postback': {
      const postback = event.postback as webhook.PostbackContent | undefined;
      if (!postback?.data) return { kind: 'ignore', reason: 'postback without data' };
      const params = postback.params;
      const picked =
        params && (params.date || params.time || params.datetime)
          ? { date: params.date, time: params.time, datetime: params.datetime }
          : undefined;
      return {
        kind: 'input',
        input: { kind: 'postback', data: postback.data, ...(picked ? { params: picked } : {}) },
      };
    }
    case 'message':
      return messageIntent(event.message as webhook.MessageContent | undefined);
    default:
      return { kind: 'ignore', reason: `event type ${event.type}` };
  }
}

function messageIntent(message: webhook.MessageContent | undefined): EventIntent {
  if (!message?.type) return { kind: 'ignore', reason: 'message without type' };
  switch (message.type) {
    case 'text':
      return { kind: 'input', input: { kind: 'text', text: message.text ?? '' } };
    case 'location':
      if (typeof message.latitude !== 'number' || typeof message.longitude !== 'number') {
        return { kind: 'input', input: { kind: 'sticker' } };
      }
      return {
        kind: 'input',
        input: {
          kind: 'location',
          lat: message.latitude,
          lng: message.longitude,
          ...(message.title ? { title: message.title } : {}),
          ...(message.address ? { address: message.address } : {}),
        },
      };
    case 'image':
    case 'audio':
    case 'video':
    case 'file':
      if (!message.id) return { kind: 'ignore', reason: 'media without id' };
      return {
        kind: 'media',
        lineMessageId: message.id,
        mediaKind: message.type,
        ...('fileName' in message && message.fileName ? { fileName: message.fileName } : {}),
        ...('imageSet' in message && message.imageSet?.index && message.imageSet.total
          ? {
              imageSet: {
                id: message.imageSet.id,
                index: message.imageSet.index,
                total: message.imageSet.total,
              },
            }
          : {}),
      };
    default:
      // Stickers, emoji-only and future kinds: the engine answers "not what I asked" with the menu at hand.
      return { kind: 'input', input: { kind: 'sticker' } };
  }
}

/** The engine's input for stored media. */
export function mediaInput(
  mediaKind: MediaKind,
  mediaId: string,
  imageSet?: { id: string; index: number; total: number },
): Input {
  if (mediaKind === 'image') return { kind: 'image', mediaId, ...(imageSet ? { imageSet } : {}) };
  return { kind: mediaKind, mediaId };
}
