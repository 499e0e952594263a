import type { messagingApi } from '@line/bot-sdk';
import type { TFunction } from 'i18next';
import type { Display, Label, OutMessage, QuickReply } from './messages';
import type { TextRef } from './schema';
import { formatDate } from './text';

/** LINE's limits (Messaging API reference). */
export const LIMITS = { text: 5000, quickReplies: 13, label: 20, data: 300, altText: 1500 } as const;

type Translate = (ref: TextRef) => string;

/** Cut to `max` UTF-16 units without splitting a character; Thai marks count as characters in LINE too. */
export function clip(value: string, max: number): string {
  if (value.length <= max) return value;
  let out = '';
  for (const char of value) {
    if (out.length + char.length > max - 1) break;
    out += char;
  }
  return `${out}…`;
}

function labelText(label: Label, tr: Translate): string {
  return 'literal' in label ? label.literal : tr(label);
}

function quickReplyItem(reply: QuickReply, tr: Translate): messagingApi.QuickReplyItem {
  const base = labelText(reply.label, tr);
  const label = clip(reply.emoji ? `${reply.emoji} ${base}` : base, LIMITS.label);
  const action = reply.action;
  switch (action.type) {
    case 'postback':
      return {
        type: 'action',
        action: {
          type: 'postback',
          label,
          data: action.data.slice(0, LIMITS.data),
          displayText: clip(base, 300),
        },
      };
    case 'datepicker':
      return { type: 'action', action: { type: 'datetimepicker', label, data: action.data, mode: 'date' } };
    case 'camera':
      return { type: 'action', action: { type: 'camera', label } };
    case 'cameraRoll':
      return { type: 'action', action: { type: 'cameraRoll', label } };
    case 'location':
      return { type: 'action', action: { type: 'location', label } };
  }
}

function displayText(display: Display | null, tr: Translate, language: string): string {
  if (display === null) return tr({ key: 'bot:summary.empty' });
  switch (display.kind) {
    case 'text':
      return display.text;
    case 'keys':
      return display.keys.map(tr).join(', ');
    case 'date':
      return formatDate(display.date, language);
  }
}

const textBox = (text: string, extra: Partial<messagingApi.FlexText> = {}): messagingApi.FlexText => ({
  type: 'text',
  text: text === '' ? ' ' : text,
  wrap: true,
  ...extra,
});

function summaryBubble(message: Extract<OutMessage, { kind: 'summary' }>, tr: Translate, language: string) {
  const title = tr(message.title);
  const rows = message.rows.map((row) => ({
    label: tr(row.label),
    value: displayText(row.value, tr, language),
    row,
  }));
  const bubble: messagingApi.FlexBubble = {
    type: 'bubble',
    header: { type: 'box', layout: 'vertical', contents: [textBox(title, { weight: 'bold', size: 'lg' })] },
    body: {
      type: 'box',
      layout: 'vertical',
      spacing: 'md',
      contents: rows.map(({ label, value, row }) => ({
        type: 'box',
        layout: 'horizontal',
        spacing: 'sm',
        contents: [
          {
            type: 'box',
            layout: 'vertical',
            flex: 4,
            contents: [
              textBox(label, { size: 'xs', color: '#888888' }),
              textBox(clip(value, 300), { size: 'sm' }),
            ],
          },
          // A locked row keeps the button's width empty, so the values still line up.
          row.editData
            ? {
                type: 'button',
                flex: 2,
                height: 'sm',
                style: 'link',
                gravity: 'center',
                action: {
                  type: 'postback',
                  label: clip(tr({ key: 'bot:summary.edit' }), LIMITS.label),
                  data: row.editData,
                  displayText: clip(`${tr({ key: 'bot:summary.edit' })}: ${label}`, 300),
                },
              }
            : { type: 'filler', flex: 2 },
        ],
      })),
    },
    footer: {
      type: 'box',
      layout: 'vertical',
      contents: [
        {
          type: 'button',
          style: 'primary',
          action: {
            type: 'postback',
            label: clip(tr({ key: 'bot:summary.confirm' }), LIMITS.label),
            data: message.confirmData,
            displayText: clip(tr({ key: 'bot:summary.confirm' }), 300),
          },
        },
      ],
    },
  };
  const altText = clip(
    [title, ...rows.map(({ label, value }) => `${label}: ${value}`)].join('\n'),
    LIMITS.altText,
  );
  return { bubble, altText };
}

function caseBubble(message: Extract<OutMessage, { kind: 'caseCreated' }>, tr: Translate, language: string) {
  const date = formatDate(message.createdAt, language);
  const title = tr({ key: 'bot:case.title' });
  const bubble: messagingApi.FlexBubble = {
    type: 'bubble',
    body: {
      type: 'box',
      layout: 'vertical',
      spacing: 'md',
      contents: [
        textBox(title, { weight: 'bold', size: 'lg' }),
        textBox(tr({ key: 'bot:case.reference' }), { size: 'xs', color: '#888888' }),
        textBox(message.reference, { weight: 'bold', size: 'xl' }),
        textBox(tr({ key: 'bot:case.date', params: { date } }), { size: 'sm' }),
        textBox(tr({ key: 'bot:case.next' }), { size: 'sm', color: '#555555' }),
      ],
    },
  };
  return { bubble, altText: clip(`${title}: ${message.reference} (${date})`, LIMITS.altText) };
}

/**
 * Abstract messages into LINE messages in one language. Quick replies are only shown on the last
 * message of a batch, so only the last one carries them.
 */
export function renderMessages(
  messages: OutMessage[],
  t: TFunction,
  language: string,
): messagingApi.Message[] {
  const tr: Translate = (ref) => String(t(ref.key, { ...(ref.params ?? {}), lng: language }));
  return messages.map((message, index) => {
    let rendered: messagingApi.Message;
    if (message.kind === 'text') {
      rendered = { type: 'text', text: clip(tr(message.text), LIMITS.text) };
    } else {
      const { bubble, altText } =
        message.kind === 'summary' ? summaryBubble(message, tr, language) : caseBubble(message, tr, language);
      rendered = { type: 'flex', altText, contents: bubble };
    }
    const replies = message.quickReplies ?? [];
    if (index === messages.length - 1 && replies.length > 0) {
      rendered.quickReply = {
        items: replies.slice(0, LIMITS.quickReplies).map((reply) => quickReplyItem(reply, tr)),
      };
    }
    return rendered;
  });
}
