import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { isValidSignature } from '../line/signature';

/**
 * The yardstick of bench:webhook: an Express route that only checks LINE's signature and answers
 * 200, so the ratio to it shows what durability and the service's middleware cost.
 */
export async function startBareWebhook(
  channelSecret: string,
): Promise<{ url: string; stop(): Promise<void> }> {
  const app = express();
  app.post('/webhook', express.raw({ type: () => true, limit: '1mb' }), (req, res) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!isValidSignature(raw, req.header('x-line-signature'), channelSecret)) {
      res.status(401).json({ error: 'invalid_signature' });
      return;
    }
    res.status(200).json({ accepted: 1, duplicates: 0 });
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(0, '127.0.0.1');
    listening.once('listening', () => resolve(listening));
    listening.once('error', reject);
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
