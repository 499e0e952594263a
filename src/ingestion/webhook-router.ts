import express, { Router } from 'express';
import { isValidSignature } from '../line/signature';
import type { Logger } from '../logger';
import type { AckGate } from './ack-first';
import type { SettleClock } from './event-order';
import { createEventAcceptor } from './inbox';
import { readEvents, webhookBodySchema } from './line-event';
import type { IngestionModels } from './models';

export type WebhookDeps = {
  channelSecret: string;
  models: IngestionModels;
  logger: Logger;
  /** Called after the events are durable and LINE has its answer: start processing these chats. */
  onAccepted: (chatKeys: string[]) => void;
  now?: () => Date;
  /** Learns how long events take to be stored, so the processor waits for late ones that long. */
  settle?: SettleClock;
  /** Tells the processor that requests wait to be stored, so it gives way. */
  gate?: AckGate;
};

/** What the health output says of the webhook since this instance started. */
export type WebhookCounts = { unreadableEvents: number };

/** LINE's batches are small; 1 MB is ample and bounds what an attacker can make us hash. */
export const WEBHOOK_BODY_LIMIT = '1mb';
const WARNING_INTERVAL_MS = 60_000;

export function webhookRouter(deps: WebhookDeps): Router & { counts: () => WebhookCounts } {
  const router = Router();
  let unreadableEvents = 0;
  const now = deps.now ?? (() => new Date());
  const accept = createEventAcceptor(deps.models, now, { settle: deps.settle });
  let rejectedSinceWarning = 0;
  let lastWarningAt = 0;

  const warnRejected = (reason: string) => {
    rejectedSinceWarning++;
    const at = Date.now();
    if (at - lastWarningAt < WARNING_INTERVAL_MS) return;
    // Never the body or the secret: only how many and why.
    deps.logger.warn(
      { rejected: rejectedSinceWarning, reason },
      'webhook requests with a bad signature rejected',
    );
    lastWarningAt = at;
    rejectedSinceWarning = 0;
  };

  router.post('/webhook', express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT }), async (req, res) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const signature = req.header('x-line-signature');
    if (!isValidSignature(raw, signature, deps.channelSecret)) {
      warnRejected(signature ? 'invalid signature' : 'missing signature');
      res
        .status(401)
        .json({ error: { code: 'invalid_signature', message: 'The signature is missing or invalid.' } });
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      res
        .status(400)
        .json({ error: { code: 'malformed_json', message: 'The request body is not valid JSON.' } });
      return;
    }
    const parsed = webhookBodySchema.safeParse(json);
    if (!parsed.success) {
      res
        .status(400)
        .json({ error: { code: 'invalid_webhook', message: 'The body is not a LINE webhook.' } });
      return;
    }
    const { events, unreadable } = readEvents(parsed.data.events);
    if (unreadable.length > 0) {
      unreadableEvents += unreadable.length;
      deps.logger.warn({ unreadable }, 'webhook events that could not be read were skipped');
    }
    // Durable before acknowledged: a crash after this answer loses nothing.
    deps.gate?.enter();
    const result = await accept(events).finally(() => deps.gate?.leave());
    if (result === 'overloaded') {
      res
        .status(503)
        .set('Retry-After', '1')
        .json({ error: { code: 'overloaded', message: 'Too many events are waiting to be stored.' } });
      return;
    }
    res.status(200).json({
      accepted: result.accepted,
      duplicates: result.duplicates,
      ...(unreadable.length > 0 ? { unreadable: unreadable.length } : {}),
    });
    if (result.accepted > 0) deps.onAccepted(result.chatKeys);
  });
  return Object.assign(router, { counts: (): WebhookCounts => ({ unreadableEvents }) });
}
