import { LineApiError, notFound } from '../errors';
import type { EmulatorEnv } from '../env';
import type { Answer, Router } from '../http';
import type { ContentEntry } from '../types';

const gone = () => new LineApiError(410, { message: 'Gone' });

/** 404/410 for content that is missing or unsent; 202 while LINE is still preparing it. */
function contentOrStatus(entry: ContentEntry | undefined): { data: Buffer; contentType: string } | Answer {
  if (!entry) throw notFound();
  if ('data' in entry) return entry;
  if (entry.status === 404) throw notFound();
  if (entry.status === 410) throw gone();
  return { status: 202 };
}

export function profileAndContentRoutes(router: Router, env: EmulatorEnv): void {
  router.on('GET', '/v2/bot/profile/:userId', (ctx) => {
    const profile = env.state.users.get(ctx.params.userId!);
    if (!profile) throw notFound();
    const { userId, displayName, pictureUrl, statusMessage, language } = profile;
    return {
      status: 200,
      body: {
        userId,
        displayName,
        ...(pictureUrl !== undefined ? { pictureUrl } : {}),
        ...(statusMessage !== undefined ? { statusMessage } : {}),
        ...(language !== undefined ? { language } : {}),
      },
    };
  });

  for (const suffix of ['content', 'content/preview']) {
    router.on('GET', `/v2/bot/message/:messageId/${suffix}`, (ctx) => {
      const found = contentOrStatus(env.state.content.get(ctx.params.messageId!));
      if ('status' in found) return found;
      return { status: 200, binary: found };
    });
  }

  router.on('GET', '/v2/bot/message/:messageId/content/transcoding', (ctx) => {
    const found = contentOrStatus(env.state.content.get(ctx.params.messageId!));
    return { status: 200, body: { status: 'status' in found ? 'processing' : 'succeeded' } };
  });
}
