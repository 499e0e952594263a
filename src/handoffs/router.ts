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
import type { Case } from '../cases/case-schema';
import { caseModels } from '../cases/create-case';
import { can } from '../staff/permissions';
import type { StaffPrincipal } from '../staff/principal';
import {
  chatEntry,
  chatPage,
  decodeChatCursor,
  encodeChatCursor,
  inboundEntry,
  outboundEntries,
  tappedLabel,
  type ChatEntry,
  type InboundRecord,
  type OutboundRecord,
  type Postback,
} from './chat';
import { HANDOFF_CLOSED_EVENT_TYPE, handoffModel } from './model';
import { casesBringingHandoff, handoffScope } from './scope';

/** What the user did that the chat shows; follows, reads and the bot's own events are left out. */
const SHOWN_EVENTS = ['message', 'postback'];

export type HandoffDeps = StaffDeps & { models: IngestionModels; sender: Sender; processor: Processor };

const userParams = z.object({ userId: z.string().regex(/^U[0-9a-f]{32}$/, { error: 'a LINE user id' }) });
const handoffView = z.object({
  userId: z.string(),
  since: z.iso.datetime(),
  language: z.string().nullable(),
  /** From the user's LINE profile once they consented; null when unknown or hidden for the role. */
  displayName: z.string().nullable(),
  /** Their cases (as reporter or volunteer) that bring the hand-off to the reader, newest first. */
  cases: z.array(z.object({ reference: z.string(), status: z.string() })),
});
const chatQuery = z.object({
  before: z
    .string()
    .max(400)
    .refine((cursor) => decodeChatCursor(cursor) !== null, { error: 'a cursor from a previous page' })
    .optional(),
  limit: z.coerce.number().int().min(1).max(100).default(40),
});
/** Cases shown per waiting user: enough to recognise them, not their history. */
const CASES_PER_USER = 5;
/** How far back a tapped button's message is looked for. */
const MESSAGES_BEFORE_TAP = 5;

/**
 * Staff side of "talk to staff": the waiting list, the chat so far, answering, and giving it back to
 * the bot. Only the bot's event processing writes hand-off documents (who did what is in the audit
 * log): on FerretDB a second writer could undo its update.
 */
export function handoffRouter(deps: HandoffDeps): Router {
  const context = staffContext(deps);
  const Handoff = handoffModel(deps.connection);
  const { models } = deps;
  const { cases } = caseModels(deps.connection);
  const router = Router();
  router.use('/api/handoffs', express.json({ limit: '100kb' }));

  /**
   * The user's open hand-off when it is in the staff member's scope. Out of scope answers exactly as
   * nobody waiting, so the answer never tells that someone is waiting elsewhere.
   */
  const openHandoff = async (userId: string, staff: StaffPrincipal) => {
    const scope = handoffScope(staff);
    const [handoff, inScope] = await Promise.all([
      Handoff.findOne({ _id: userId, status: 'open' }).lean(),
      scope.all || cases.exists(casesBringingHandoff(scope, userId)).then((found) => found !== null),
    ]);
    if (!handoff || !inScope)
      throw new PublicError(404, 'handoff_not_found', 'This user is not waiting for staff.');
    return handoff;
  };

  apiRoute(
    router,
    context,
    {
      method: 'get',
      path: '/api/handoffs',
      summary:
        'Users waiting for a person, oldest first: those with a case in your scope (admins and coordinators without provinces: everyone)',
      tags: ['handoffs'],
      access: 'handoffs.manage',
      responses: {
        200: { description: 'Open hand-offs', schema: z.object({ items: z.array(handoffView) }) },
      },
    },
    async (req, res) => {
      const staff = staffOf(req);
      const personal = can(staff.role, 'cases.readPersonal');
      const scope = handoffScope(staff);
      const waiting = await Handoff.find({ status: 'open' }).sort({ since: 1 }).limit(200).lean();
      // One small indexed read per user, which also decides the scope: a volunteer who reported many
      // cases must not crowd out the others.
      const reported = await Promise.all(
        waiting.map((h) =>
          cases
            .find(casesBringingHandoff(scope, h._id), { _id: 0, reference: 1, status: 1 })
            .sort({ createdAt: -1 })
            .limit(CASES_PER_USER)
            .lean<Pick<Case, 'reference' | 'status'>[]>(),
        ),
      );
      const casesOf = new Map(waiting.map((h, i) => [h._id, reported[i] ?? []]));
      const open = waiting.filter((h) => scope.all || (casesOf.get(h._id) ?? []).length > 0);
      const ids = open.map((h) => h._id);
      const users = await models.LineUser.find({ _id: { $in: ids } }, { language: 1, displayName: 1 }).lean();
      const userOf = new Map(users.map((u) => [u._id, u]));
      const named = personal ? ids.filter((id) => userOf.get(id)?.displayName) : [];
      if (named.length > 0)
        await context.audit.personalDataRead(req, { type: 'handoffs', id: 'list' }, [
          'line_user.displayName',
          ...named,
        ]);
      res.json({
        items: open.map((h) => ({
          userId: h._id,
          since: h.since.toISOString(),
          language: userOf.get(h._id)?.language ?? null,
          displayName: personal ? (userOf.get(h._id)?.displayName ?? null) : null,
          cases: casesOf.get(h._id) ?? [],
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
      summary:
        'The chat, latest messages last; pass `earlier` as `before` for the page before. A tapped button shows its label',
      tags: ['handoffs'],
      access: 'handoffs.manage',
      schemas: { params: userParams, query: chatQuery },
      responses: {
        200: {
          description: 'Chat page, oldest first',
          schema: z.object({ items: z.array(chatEntry), earlier: z.string().nullable() }),
        },
        404: { description: 'No open hand-off in your scope' },
      },
    },
    async (req, res, { params, query }) => {
      await openHandoff(params.userId, staffOf(req));
      const cursor = query.before ? decodeChatCursor(query.before) : null;
      // Inclusive of the cursor's millisecond: entries sharing it are told apart by their key.
      const upTo = (field: string) => (cursor ? { [field]: { $lte: new Date(cursor.at) } } : {});
      const at = (field: string) => (cursor ? { [field]: new Date(cursor.at) } : {});
      const theirs = { userId: params.userId, type: { $in: SHOWN_EVENTS } };
      // Entries of the cursor's millisecond already shown (a burst of photos shares one) must not
      // use up the page's fetch, or older entries of that side would be skipped for good.
      const [inboundTies, outboundTies] = cursor
        ? await Promise.all([
            models.InboundEvent.countDocuments({ ...theirs, ...at('receivedAt') }),
            models.OutboundMessage.countDocuments({ to: params.userId, ...at('createdAt') }),
          ])
        : [0, 0];
      const [inbound, outbound] = await Promise.all([
        models.InboundEvent.find(
          { ...theirs, ...upTo('receivedAt') },
          { type: 1, payload: 1, receivedAt: 1, notKept: 1 },
        )
          // Within one millisecond, in key order, as the page cursor goes.
          .sort({ receivedAt: -1, _id: -1 })
          .limit(query.limit + 1 + inboundTies)
          .lean<InboundRecord[]>(),
        models.OutboundMessage.find(
          { to: params.userId, ...upTo('createdAt') },
          { messages: 1, createdAt: 1, purpose: 1, forgottenMessages: 1 },
        )
          .sort({ createdAt: -1, _id: -1 })
          .limit(query.limit + 1 + outboundTies)
          .lean<OutboundRecord[]>(),
      ]);
      const full = inbound.length > query.limit + inboundTies || outbound.length > query.limit + outboundTies;
      const page = chatPage(
        [...inbound.map(inboundEntry), ...outbound.flatMap(outboundEntries)],
        query.limit,
        cursor,
        full,
      );
      await context.audit.personalDataRead(req, { type: 'line_user', id: params.userId }, ['chat']);
      // The bot's messages before the page's taps, read once (not once per tap).
      const taps = page.items.filter((entry: ChatEntry & { postback?: Postback }) => entry.postback);
      const sentBefore = taps.length
        ? await models.OutboundMessage.find(
            { to: params.userId, createdAt: { $lte: new Date(taps.at(-1)!.at) } },
            { messages: 1, createdAt: 1 },
          )
            .sort({ createdAt: -1, _id: -1 })
            .limit(MESSAGES_BEFORE_TAP * taps.length + query.limit)
            .lean<Pick<OutboundRecord, 'messages' | 'createdAt'>[]>()
        : [];
      const items = page.items.map(({ postback, ...entry }: ChatEntry & { postback?: Postback }) => {
        if (!postback) return entry;
        const tappedAt = Date.parse(entry.at);
        const before = sentBefore
          .filter((batch) => batch.createdAt.getTime() <= tappedAt)
          .slice(0, MESSAGES_BEFORE_TAP);
        const label = tappedLabel(postback, before);
        return label ? { ...entry, text: label } : entry;
      });
      const first = items[0];
      res.json({ items, earlier: page.earlier && first ? encodeChatCursor(first) : null });
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
      responses: {
        202: { description: 'Queued and sent' },
        404: { description: 'No open hand-off in your scope' },
      },
    },
    async (req, res, { params, body }) => {
      await openHandoff(params.userId, staffOf(req));
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
      responses: {
        202: { description: 'Closing' },
        404: { description: 'No open hand-off in your scope' },
      },
    },
    async (req, res, { params }) => {
      const handoff = await openHandoff(params.userId, staffOf(req));
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
