import { LineApiError, badRequest, invalidBody, notFound } from '../errors';
import type { EmulatorEnv } from '../env';
import type { Router } from '../http';
import { newRichMenuId } from '../ids';
import { inspectImage } from '../images';
import { RICH_MENU_LIMITS, checkRichMenu } from '../richmenu-rules';
import type { RichMenuRecord } from '../types';
import { requireString, requireStringArray, validatedBody } from '../validation';

const IMAGE_TYPES: Record<string, 'png' | 'jpeg'> = { 'image/png': 'png', 'image/jpeg': 'jpeg' };

export function richMenuRoutes(router: Router, env: EmulatorEnv): void {
  const { state } = env;
  const menuNotFound = () => notFound('richmenu not found');

  /** A menu that exists and has its image: what linking, defaults and aliases need. */
  const linkable = (richMenuId: string, missing: () => LineApiError = menuNotFound) => {
    if (!state.richMenus.has(richMenuId)) throw missing();
    if (!state.richMenuImages.has(richMenuId))
      throw badRequest('An image has not been uploaded to the rich menu');
  };

  const richMenuBody = (ctx: Parameters<typeof validatedBody>[1]) =>
    validatedBody(env, ctx, (body) => checkRichMenu(body, env.rules));

  // Literal paths before /v2/bot/richmenu/:richMenuId.
  router.on('POST', '/v2/bot/richmenu/validate', (ctx) => {
    richMenuBody(ctx);
    return { status: 200, body: {} };
  });

  router.on('GET', '/v2/bot/richmenu/list', () => ({
    status: 200,
    body: { richmenus: [...state.richMenus.values()] },
  }));

  router.on('POST', '/v2/bot/richmenu/bulk/link', (ctx) => {
    const body = validatedBody(env, ctx, (b) => [
      ...requireString(b, 'richMenuId'),
      ...requireStringArray(b, 'userIds', 1, 500),
    ]);
    linkable(body.richMenuId as string, () => badRequest('richmenu not found'));
    for (const userId of body.userIds as string[]) state.userLinks.set(userId, body.richMenuId as string);
    return { status: 202, body: {} };
  });

  router.on('POST', '/v2/bot/richmenu/bulk/unlink', (ctx) => {
    const body = validatedBody(env, ctx, (b) => requireStringArray(b, 'userIds', 1, 500));
    for (const userId of body.userIds as string[]) state.userLinks.delete(userId);
    return { status: 202, body: {} };
  });

  router.on('GET', '/v2/bot/richmenu/alias/list', () => ({
    status: 200,
    body: {
      aliases: [...state.aliases].map(([richMenuAliasId, richMenuId]) => ({ richMenuAliasId, richMenuId })),
    },
  }));

  router.on('POST', '/v2/bot/richmenu/alias', (ctx) => {
    const body = validatedBody(env, ctx, (b) => {
      const details = [...requireString(b, 'richMenuAliasId'), ...requireString(b, 'richMenuId')];
      if (typeof b.richMenuAliasId === 'string' && !RICH_MENU_LIMITS.aliasId.test(b.richMenuAliasId)) {
        details.push({
          property: 'richMenuAliasId',
          message: `Must match ${RICH_MENU_LIMITS.aliasId.source}`,
        });
      }
      return details;
    });
    const aliasId = body.richMenuAliasId as string;
    if (state.aliases.has(aliasId)) throw badRequest('conflict richmenu alias id');
    linkable(body.richMenuId as string, () => badRequest('richmenu not found'));
    state.aliases.set(aliasId, body.richMenuId as string);
    return { status: 200, body: {} };
  });

  router.on('POST', '/v2/bot/richmenu/alias/:aliasId', (ctx) => {
    const body = validatedBody(env, ctx, (b) => requireString(b, 'richMenuId'));
    if (!state.aliases.has(ctx.params.aliasId!)) throw notFound('richmenu alias not found');
    linkable(body.richMenuId as string, () => badRequest('richmenu not found'));
    state.aliases.set(ctx.params.aliasId!, body.richMenuId as string);
    return { status: 200, body: {} };
  });

  router.on('GET', '/v2/bot/richmenu/alias/:aliasId', (ctx) => {
    const richMenuId = state.aliases.get(ctx.params.aliasId!);
    if (!richMenuId) throw notFound('richmenu alias not found');
    return { status: 200, body: { richMenuAliasId: ctx.params.aliasId, richMenuId } };
  });

  router.on('DELETE', '/v2/bot/richmenu/alias/:aliasId', (ctx) => {
    if (!state.aliases.delete(ctx.params.aliasId!)) throw notFound('richmenu alias not found');
    return { status: 200, body: {} };
  });

  router.on('POST', '/v2/bot/richmenu', (ctx) => {
    const body = richMenuBody(ctx);
    if (state.richMenus.size >= RICH_MENU_LIMITS.menusPerChannel) {
      throw badRequest(`A channel can have at most ${RICH_MENU_LIMITS.menusPerChannel} rich menus`);
    }
    const record: RichMenuRecord = {
      richMenuId: newRichMenuId(),
      size: body.size as RichMenuRecord['size'],
      selected: body.selected as boolean,
      name: body.name as string,
      chatBarText: body.chatBarText as string,
      areas: body.areas as unknown[],
    };
    state.richMenus.set(record.richMenuId, record);
    return { status: 200, body: { richMenuId: record.richMenuId } };
  });

  router.on('POST', '/v2/bot/richmenu/:richMenuId/content', (ctx) => {
    const menu = state.richMenus.get(ctx.params.richMenuId!);
    if (!menu) throw menuNotFound();
    if (state.richMenuImages.has(menu.richMenuId)) {
      throw badRequest('An image has already been uploaded to the richmenu');
    }
    const contentType = (ctx.req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    const expected = IMAGE_TYPES[contentType];
    if (!expected) throw new LineApiError(415, { message: 'Content-Type must be image/jpeg or image/png' });
    if (ctx.rawBody.length === 0) throw badRequest('The image is empty');
    if (ctx.rawBody.length > RICH_MENU_LIMITS.imageBytes) throw badRequest('The image must be at most 1 MB');
    const info = inspectImage(ctx.rawBody);
    if (!info || info.format !== expected)
      throw badRequest(`The body is not a valid ${expected.toUpperCase()} image`);
    if (info.width !== menu.size.width || info.height !== menu.size.height) {
      throw invalidBody([
        {
          property: 'image',
          message: `The image is ${info.width}x${info.height} but the rich menu size is ${menu.size.width}x${menu.size.height}`,
        },
      ]);
    }
    state.richMenuImages.set(menu.richMenuId, { contentType, data: ctx.rawBody });
    return { status: 200, body: {} };
  });

  router.on('GET', '/v2/bot/richmenu/:richMenuId/content', (ctx) => {
    const image = state.richMenuImages.get(ctx.params.richMenuId!);
    if (!image) throw notFound();
    return { status: 200, binary: image };
  });

  router.on('GET', '/v2/bot/richmenu/:richMenuId', (ctx) => {
    const menu = state.richMenus.get(ctx.params.richMenuId!);
    if (!menu) throw menuNotFound();
    return { status: 200, body: menu };
  });

  router.on('DELETE', '/v2/bot/richmenu/:richMenuId', (ctx) => {
    if (!state.richMenus.has(ctx.params.richMenuId!)) throw menuNotFound();
    state.deleteRichMenu(ctx.params.richMenuId!);
    return { status: 200, body: {} };
  });

  // The default menu ("all") before the per-user routes, whose :userId would match it.
  router.on('POST', '/v2/bot/user/all/richmenu/:richMenuId', (ctx) => {
    linkable(ctx.params.richMenuId!);
    state.defaultRichMenuId = ctx.params.richMenuId!;
    return { status: 200, body: {} };
  });

  router.on('GET', '/v2/bot/user/all/richmenu', () => {
    if (!state.defaultRichMenuId) throw notFound('no default richmenu');
    return { status: 200, body: { richMenuId: state.defaultRichMenuId } };
  });

  router.on('DELETE', '/v2/bot/user/all/richmenu', () => {
    state.defaultRichMenuId = null;
    return { status: 200, body: {} };
  });

  router.on('POST', '/v2/bot/user/:userId/richmenu/:richMenuId', (ctx) => {
    linkable(ctx.params.richMenuId!);
    state.userLinks.set(ctx.params.userId!, ctx.params.richMenuId!);
    return { status: 200, body: {} };
  });

  router.on('GET', '/v2/bot/user/:userId/richmenu', (ctx) => {
    const richMenuId = state.userLinks.get(ctx.params.userId!);
    if (!richMenuId) throw notFound('the user has no richmenu');
    return { status: 200, body: { richMenuId } };
  });

  router.on('DELETE', '/v2/bot/user/:userId/richmenu', (ctx) => {
    state.userLinks.delete(ctx.params.userId!);
    return { status: 200, body: {} };
  });
}
