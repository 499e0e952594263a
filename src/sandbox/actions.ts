import { z } from 'zod';

/** What the chat page can do; each becomes one LINE webhook event (photos have their own endpoint). */
export const actionSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string().trim().min(1).max(5000) }),
  z.object({
    type: z.literal('postback'),
    data: z.string().max(300),
    /** What LINE shows in the chat as the user's message, when the button has one. */
    displayText: z.string().max(300).optional(),
    params: z
      .union([
        z.object({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }),
        z.object({ time: z.string().regex(/^\d{2}:\d{2}$/) }),
        z.object({ datetime: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/) }),
      ])
      .optional(),
  }),
  z.object({
    type: z.literal('location'),
    latitude: z.number().min(-90).max(90),
    longitude: z.number().min(-180).max(180),
    title: z.string().trim().max(100).optional(),
    address: z.string().trim().max(300).optional(),
  }),
  z.object({
    type: z.literal('sticker'),
    packageId: z.string().regex(/^\d{1,12}$/),
    stickerId: z.string().regex(/^\d{1,12}$/),
  }),
  /** A rich menu area that switches menus: LINE links the alias's menu, then sends a postback. */
  z.object({
    type: z.literal('richmenuswitch'),
    richMenuAliasId: z.string().min(1).max(32),
    data: z.string().max(300),
  }),
  z.object({ type: z.literal('follow') }),
  z.object({ type: z.literal('unfollow') }),
]);

export type SandboxAction = z.infer<typeof actionSchema>;

export const eventRequestSchema = z.object({
  userId: z.string().regex(/^U[0-9a-f]{32}$/),
  action: actionSchema,
});
