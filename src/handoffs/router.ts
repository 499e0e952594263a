import express, { Router } from 'express';
import { z } from 'zod';
import { PublicError } from '../errors';
import type { IngestionModels } from '../ingestion/models';
import type { Processor } from '../ingestion/processor';
import type { Sender } from '../line/sender';
import { claimUnusedReplyToken } from '../line/unused-reply-tokens';
import { storeEvents } from '../ingestion/inbox';
import { apiRoute } from '../staff/api-route';
import { staffContext, type StaffDeps } from '../staff/context';
import { staffOf } from '../staff/middleware';
import { HANDOFF_CLOSED_EVENT_TYPE, handoffModel } from './model';

export type HandoffDeps = StaffDeps & { models: IngestionModels; sender: Sender; processor: Processor };

const userParams = z.object({ userId: z.string().regex(/^U[0-9a-f]{32}$/, { error: 'a LINE user id' }) });
const handoffView = z.object({
  userId: z.string(),
  since: z.iso.datetime(),
  language: z.string().nullable(),
});
const chatEntry = z.object({
  at: z.iso.datetime(),
  from: z.enum(['user', 'bot', 'staff']),
  kind: z.string(),
  text: z.string().optional(),
});
/**
 * Staff side of "talk to staff": the waiting list, the chat so far, answering, and giving it back to
 * the bot. Only the bot's event processing writes hand-off documents (who did what is in the audit
 * log): on FerretDB a second writer could undo its update.
 */
export function handoffRouter(deps: HandoffDeps): Router {
  const context = staffContext(deps);
  const Handoff = handoffModel(deps.connection);
  const { models } = deps;
  const router = Router();
  router.use('/api/handoffs', express.json({ limit: '100kb' }));

  const openHandoff = async (userId: string) => {
    const handoff = await Handoff.findOne({ _id: userId, status: 'open' }).lean();
    if (!handoff) throw new PublicError(404, 'handoff_not_found', 'This user is not waiting for staff.');
    return handoff;
  };

  apiRoute(
    router,
    context,
    {
      method: 'get',
      path: '/api/handoffs',
      summary: 'Users waiting for a person, oldest first',
      tags: ['handoffs'],
      access: 'handoffs.manage',
      responses: {
        200: { description: 'Open hand-offs', schema: z.object({ items: z.array(handoffView) }) },
      },
    },
    async (_req, res) => {
      const open = await Handoff.find({ status: 'open' }).sort({ since: 1 }).limit(200).lean();
      const users = await models.LineUser.find(
        { _id: { $in: open.map((h) => h._id) } },
        { language: 1 },
      ).lean();
      const language = new Map(users.map((u) => [u._id, u.language ?? null]));
      res.json({
        items: open.map((h) => ({
          userId: h._id,
          since: h.since.toISOString(),
          language: language.get(h._id) ?? null,
        })),
      });
    },
  );

  apiRoute(
    router,
    context,
    {
      method: 'get',
      path: '/api/handoffs/:userId/messages',
      summary: 'The chat so far (last 7 days): what the user sent and what we answered',
      tags: ['handoffs'],
      access: 'handoffs.manage',
      schemas: { params: userParams },
      responses: { 200: { description: 'Chat', schema: z.object({ items: z.array(chatEntry) }) } },
    },
    async (req, res, { params }) => {
      const [inbound, outbound] = await Promise.all([
        models.InboundEvent.find({ userId: params.userId }, { type: 1, payload: 1, receivedAt: 1 })
          .sort({ timestamp: -1 })
          .limit(100)
          .lean(),
        models.OutboundMessage.find({ to: params.userId }, { messages: 1, createdAt: 1, purpose: 1 })
          .sort({ createdAt: -1 })
          .limit(100)
          .lean(),
      ]);
      await context.audit.personalDataRead(req, { type: 'line_user', id: params.userId }, ['chat']);
      const items = [
        ...inbound
          .filter((event) => !event.type.startsWith('needline.'))
          .map((event) => {
            const message = (JSON.parse(event.payload) as { message?: { type?: string; text?: string } })
              .message;
            return {
              at: event.receivedAt.toISOString(),
              from: 'user' as const,
              kind: message?.type ?? event.type,
              ...(message?.text ? { text: message.text } : {}),
            };
          }),
        ...outbound.flatMap((batch) =>
          (batch.messages as { type?: string; text?: string; altText?: string }[]).map((message) => ({
            at: batch.createdAt.toISOString(),
            from: batch.purpose === 'staff' ? ('staff' as const) : ('bot' as const),
            kind: message.type ?? 'message',
            ...(message.text || message.altText ? { text: message.text ?? message.altText } : {}),
          })),
        ),
      ].sort((a, b) => a.at.localeCompare(b.at));
      res.json({ items });
    },
  );

  apiRoute(
    router,
    context,
    {
      method: 'post',
      path: '/api/handoffs/:userId/messages',
      summary:
        'Answer the user as the foundation (a free reply while their last message is fresh, else a push)',
      tags: ['handoffs'],
      access: 'handoffs.manage',
      schemas: { params: userParams, body: z.object({ text: z.string().trim().min(1).max(5000) }) },
      responses: { 202: { description: 'Queued and sent' }, 404: { description: 'No open hand-off' } },
    },
    async (req, res, { params, body }) => {
      await openHandoff(params.userId);
      const now = context.clock();
      // While a hand-off is open the bot answers nothing, so the user's latest reply token is unused.
      const token = await claimUnusedReplyToken(deps.connection, params.userId, now);
      const id = `staff:${params.userId}:${now.getTime()}:${staffOf(req).id}`;
      await deps.sender.enqueue({
        id,
        to: params.userId,
        purpose: 'staff',
        messages: [{ type: 'text', text: body.text }],
        ...(token ? { replyToken: token.token, replyTokenExpiresAt: token.expiresAt } : {}),
        priority: 10,
      });
      const status = await deps.sender.deliver(id);
      await context.audit.recordRequest(req, 'handoff.reply', { type: 'line_user', id: params.userId });
      res.status(202).json({ id, status });
    },
  );

  apiRoute(
    router,
    context,
    {
      method: 'post',
      path: '/api/handoffs/:userId/close',
      summary: 'Give the conversation back to the bot (the user is told and gets the menu)',
      tags: ['handoffs'],
      access: 'handoffs.manage',
      schemas: { params: userParams },
      responses: { 202: { description: 'Closing' }, 404: { description: 'No open hand-off' } },
    },
    async (req, res, { params }) => {
      const handoff = await openHandoff(params.userId);
      const now = context.clock();
      const event = {
        type: HANDOFF_CLOSED_EVENT_TYPE,
        timestamp: now.getTime(),
        mode: 'active',
        source: { type: 'user', userId: params.userId },
      };
      const chatKey = `user:${params.userId}`;
      // Closed twice: stored once.
      await storeEvents(
        models,
        [
          {
            id: `handoff-closed:${params.userId}:${handoff.since.getTime()}`,
            chatKey,
            userId: params.userId,
            type: HANDOFF_CLOSED_EVENT_TYPE,
            timestamp: event.timestamp,
            payload: JSON.stringify(event),
          },
        ],
        now,
      );
      await context.audit.recordRequest(req, 'handoff.close', { type: 'line_user', id: params.userId });
      deps.processor.kick([chatKey]);
      res.status(202).json({ status: 'closing' });
    },
  );

  return router;
}
