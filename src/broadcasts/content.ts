import type { messagingApi } from '@line/bot-sdk';
import type { BroadcastContent } from './models';
import type { CreateBroadcastBody } from './schemas';

/** Per language, the text and image; a language without text is not listed (its users get Thai). */
export function contentOf(
  body: Pick<CreateBroadcastBody, 'messages' | 'images'>,
): Record<string, BroadcastContent> {
  const content: Record<string, BroadcastContent> = {};
  for (const [language, text] of Object.entries(body.messages)) {
    if (!text) continue;
    // An image given only in Thai is taken to be language-neutral.
    const imageUrl = body.images?.[language as keyof typeof body.messages] ?? body.images?.th;
    content[language] = imageUrl ? { text, imageUrl } : { text };
  }
  return content;
}

/** The language whose message a user receives: theirs when there is a text for it, else Thai. */
export function messageLanguage(
  userLanguage: string | null | undefined,
  available: readonly string[],
): string {
  return userLanguage && available.includes(userLanguage) ? userLanguage : 'th';
}

export function lineMessages(content: BroadcastContent): messagingApi.Message[] {
  const messages: messagingApi.Message[] = [{ type: 'text', text: content.text }];
  if (content.imageUrl) {
    messages.push({
      type: 'image',
      originalContentUrl: content.imageUrl,
      previewImageUrl: content.imageUrl,
    });
  }
  return messages;
}
