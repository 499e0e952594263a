import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../src/app';
import { connectDatabase, type Database } from '../../src/db/connection';
import { createErrorSink } from '../../src/errors';
import { ingestionModels, type IngestionModels } from '../../src/ingestion/models';
import { createProcessor, type Processor, type ProcessorDeps } from '../../src/ingestion/processor';
import { type EventHandler } from '../../src/ingestion/event-handler';
import { webhookRouter } from '../../src/ingestion/webhook-router';
import { createLineApi } from '../../src/line/line-api';
import { createSender, type Sender } from '../../src/line/sender';
import type { LineEmulator } from '../../src/line-emulator';
import { testLogger } from './logger';

export const TEST_SECRET = '0123456789abcdef0123456789abcdef';

export type Instance = {
  url: string;
  webhookUrl: string;
  database: Database;
  models: IngestionModels;
  processor: Processor;
  sender: Sender;
  stop(): Promise<void>;
};

/**
 * One running instance of the ingestion path (webhook, processor, sender) on its own connection to
 * a shared database, talking to the emulator over HTTP; two of them race like two real instances.
 */
export async function startInstance(options: {
  uri: string;
  dbName: string;
  emulator: LineEmulator;
  handler: EventHandler;
  instanceId: string;
  processor?: Partial<
    Pick<ProcessorDeps, 'leaseMs' | 'maxAttempts' | 'pollMs' | 'apology' | 'replyTokenLifetimeMs'>
  >;
  lineTimeoutMs?: number;
  monitorCommands?: boolean;
}): Promise<Instance> {
  const database = await connectDatabase(options.uri, options.dbName, {
    monitorCommands: options.monitorCommands ?? false,
  });
  const models = ingestionModels(database.connection);
  await database.ensureIndexes();
  const api = createLineApi({
    channelAccessToken: options.emulator.channelAccessToken,
    apiBaseUrl: options.emulator.url,
    dataApiBaseUrl: options.emulator.url,
    timeoutMs: options.lineTimeoutMs ?? 2000,
  });
  const sender = createSender({
    models,
    api,
    logger: testLogger,
    instanceId: options.instanceId,
    backoffMs: 20,
  });
  const processor = createProcessor({
    models,
    sender,
    handler: options.handler,
    apology: options.processor?.apology ?? (() => undefined),
    logger: testLogger,
    reportError: createErrorSink(testLogger),
    instanceId: options.instanceId,
    pollMs: options.processor?.pollMs ?? 100,
    leaseMs: options.processor?.leaseMs ?? 5000,
    maxAttempts: options.processor?.maxAttempts ?? 3,
    replyTokenLifetimeMs: options.processor?.replyTokenLifetimeMs,
  });
  const webhook = webhookRouter({
    channelSecret: TEST_SECRET,
    models,
    logger: testLogger,
    onAccepted: (keys) => processor.kick(keys),
  });
  const app = createApp({
    logger: testLogger,
    reportError: createErrorSink(testLogger),
    isReady: () => database.ping(),
    healthCounts: () => ({ webhook: webhook.counts() }),
    routers: [webhook],
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  processor.start();
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    webhookUrl: `${url}/webhook`,
    database,
    models,
    processor,
    sender,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await processor.stop();
      await database.close();
    },
  };
}

/** Waits (bounded) until a condition about stored state holds; the assertion is on state, not time. */
export async function eventually<T>(
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  attempts = 200,
): Promise<T> {
  let value = await probe();
  for (let i = 0; i < attempts && !accept(value); i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await probe();
  }
  return value;
}

/** An event is done when its record is stored and its queue entry is gone. */
export async function isDone(models: IngestionModels, eventId: string): Promise<boolean> {
  const [stored, queued] = await Promise.all([
    models.InboundEvent.exists({ _id: eventId }),
    models.QueuedEvent.exists({ _id: eventId }),
  ]);
  return stored !== null && queued === null;
}
