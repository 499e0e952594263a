import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Router } from 'express';
import { allFlows } from '../flows';
import { createApp } from './app';
import { closeServer, listen } from './http/server-lifecycle';
import { caseApiRouter } from './case-api/router';
import { registerModels } from './models';
import { caseNotificationSweep, reporterUpdatesJob } from './cases/case-services';
import { withWaitingUpdates } from './cases/updates/reply-hook';
import { quotaRouter } from './quota/router';
import { warnOfQuota } from './quota/watch';
import type { UpdateDelivery } from './cases/updates/delivery';
import { caseModels } from './cases/create-case';
import { consoleRouter } from './console/router';
import { broadcastRouter, runDueBroadcasts } from './broadcasts';
import { domainJobs } from './jobs';
import { tellAdminsOfGuessing } from './notifications/staff-notifications';
import { staffNotificationsRouter } from './notifications/router';
import { offerNewCase, performVolunteerEffect, volunteerRouter } from './volunteers';
import { loadAddressDirectory } from './geo/address-directory';
import { realignStoredPlacesOnce } from './geo/place-migration';
import { placeDescriber } from './cases/case-input';
import { createBotHandler } from './bot/handler';
import { consentModel } from './privacy/consents';
import { enqueueDueTimeouts } from './bot/timeouts';
import type { Config } from './config';
import { createEngine, stateSchema } from './conversation';
import { connectDatabase, type Database } from './db/connection';
import { resolveDatabaseServer, type DatabaseServer } from './db/server-resolver';
import { createErrorSink } from './errors';
import { createI18n, loadResources, SANDBOX_CONTACT } from './i18n';
import { ingestionModels } from './ingestion/models';
import { purgeExpiredReplyTokens, rememberUnusedReplyToken } from './line/unused-reply-tokens';
import { createProcessor, type Processor } from './ingestion/processor';
import { purgeProcessedEvents } from './ingestion/inbox';
import { createAckGate } from './ingestion/ack-first';
import { createSettleClock } from './ingestion/event-order';
import { caseEffects } from './cases/effects';
import { handoffEffects } from './handoffs/effects';
import { mediaEffects } from './media/effects';
import { privacyEffects } from './privacy/effects';
import { webhookRouter } from './ingestion/webhook-router';
import { createScheduler, purgeJobTicks, type Job } from './jobs/scheduler';
import { startLineEmulator, type LineEmulator } from './line-emulator';
import { createLineApi } from './line/line-api';
import { createSender, type Sender } from './line/sender';
import type { Logger } from './logger';
import { retryPendingMedia } from './media/media-store';
import { purgeUnusedMedia } from './privacy/media-purge';
import { mediaModels } from './media/models';
import { sandboxRouter } from './sandbox/router';
import { createAuditLog } from './staff/audit-log';
import { ApiRegistry } from './http/openapi';
import { ensureFirstAdmin } from './staff/first-admin';
import { staffModels } from './staff/models';
import { purgeExpiredAuth } from './staff/purge';
import { staffApiRouters } from './staff/routers';
import { sandboxAdmin } from './sandbox/sandbox-admin';
import { restoreSandboxUsers } from './sandbox/restore';
import { handoffModel } from './handoffs/model';
import { caseFeedbackModel } from './feedback/model';
import { buildRichMenuDefinitions, deployRichMenus, loadRichMenuImages } from './richmenus';
import { handoffRouter } from './handoffs/router';
import { publicRouter } from './public/router';
import { demoRouter } from './demo/router';
import {
  campaignRouter,
  householdLinkHook,
  performSurveyEffect,
  reconcileMenu,
  surveyChatHook,
  syncCampaignMenus,
} from './campaigns';

export type Service = {
  url: string;
  database: Database;
  databaseServer: DatabaseServer;
  /** Sandbox mode only: the in-process LINE emulator and the channel secret events are signed with. */
  sandbox?: { emulator: LineEmulator; channelSecret: string; admin?: { email: string; password: string } };
  processor: Processor;
  sender: Sender;
  /** Reporters' waiting status news; its push job runs every minute (by hand in tests without jobs). */
  reporterUpdates: UpdateDelivery;
  /** Stop accepting, finish in-flight requests and work, close the database. */
  stop(): Promise<void>;
};

export type ServiceOptions = {
  config: Config;
  logger: Logger;
  /** Database name; tests give each instance their own. */
  dbName?: string;
  /** A server already resolved (tests share one); otherwise resolved from the configuration. */
  databaseServer?: DatabaseServer;
  /** How long in-flight requests may take to finish on stop. */
  drainMs?: number;
  /** Scheduled jobs (off in tests that drive the jobs by hand). */
  jobs?: boolean;
  instanceId?: string;
  /** Overrides PORT (0: any free port, for tests). */
  port?: number;
  /** Count database commands by name (the webhook bench; off otherwise). */
  monitorCommands?: boolean;
  /** The embedded database died and could not be restarted (main exits so its supervisor restarts it). */
  onDatabaseFatal?: (error: Error) => void;
};

const DAY_MS = 24 * 3600 * 1000;

export async function startService(options: ServiceOptions): Promise<Service> {
  const { config, logger } = options;
  const reportError = createErrorSink(logger);
  const instanceId = options.instanceId ?? `${process.pid}-${randomUUID().slice(0, 8)}`;

  // Flows and locales first: a broken flow stops the service before anything is started.
  const resources = loadResources();
  // Thailand's address directory takes seconds to build: at start, not inside a user's first report.
  // The engine echoes a typed address back as the directory reads it.
  const directory = await loadAddressDirectory();
  const describePlace = placeDescriber(directory);
  const engine = createEngine(allFlows, resources, config.DEFAULT_LOCALE, { describePlace });
  const i18n = createI18n(config.DEFAULT_LOCALE, resources, {
    contactPhone: config.FOUNDATION_PHONE ?? SANDBOX_CONTACT.contactPhone,
    privacyEmail: config.PRIVACY_EMAIL ?? SANDBOX_CONTACT.privacyEmail,
  });

  const databaseServer =
    options.databaseServer ??
    (await resolveDatabaseServer({
      mongodbUri: config.MONGODB_URI,
      dataDir: config.NEEDLINE_DATA_DIR,
      persistent: true,
      log: (message) => logger.info(message),
      onFatal: options.onDatabaseFatal,
    }));
  logger.info({ database: databaseServer.kind }, `database: ${databaseServer.description}`);

  const database = await connectDatabase(databaseServer.uri, options.dbName, {
    monitorCommands: options.monitorCommands,
  });
  const connection = database.connection;
  registerModels(connection);
  const models = ingestionModels(connection);
  const media = mediaModels(connection);
  const cases = caseModels(connection);
  const consents = consentModel(connection);
  const handoffs = handoffModel(connection);
  const feedback = caseFeedbackModel(connection);
  const audit = createAuditLog(connection);
  const apiRegistry = new ApiRegistry();
  const staffRouters = staffApiRouters({ connection, logger, api: apiRegistry }, (guess) =>
    tellAdminsOfGuessing(connection, guess),
  );
  const caseJobs = domainJobs({
    connection,
    slaDays: { new: config.SLA_ESCALATION_DAYS, reviewing: config.SLA_ESCALATION_DAYS },
    retention: {
      closedCaseDays: config.RETENTION_CLOSED_CASE_DAYS,
      withdrawnConsentGraceDays: config.RETENTION_WITHDRAWN_CONSENT_GRACE_DAYS,
      auditDays: config.RETENTION_AUDIT_DAYS,
      surveyDays: config.RETENTION_SURVEY_DAYS,
    },
  });
  const notificationsRouter = staffNotificationsRouter({ connection, logger, api: apiRegistry });
  await database.ensureIndexes();
  // Places stored before a directory correction take the corrected code and name (once per version).
  const realigned = await realignStoredPlacesOnce(connection, directory);
  if (realigned !== 'done before')
    logger.info(realigned, 'stored places realigned with the address directory');

  // The first admin: from the environment, or in sandbox mode a generated login kept in the data folder.
  const firstAdmin =
    config.ADMIN_EMAIL && config.ADMIN_PASSWORD
      ? { email: config.ADMIN_EMAIL, password: config.ADMIN_PASSWORD }
      : config.lineMode === 'sandbox'
        ? sandboxAdmin(config.NEEDLINE_DATA_DIR)
        : undefined;
  if (firstAdmin) {
    const outcome = await ensureFirstAdmin(staffModels(connection), firstAdmin, audit);
    logger.info({ outcome }, 'first admin checked');
  } else {
    logger.warn('no ADMIN_EMAIL/ADMIN_PASSWORD: no admin is created if none exists yet');
  }

  const sandbox =
    config.lineMode === 'sandbox'
      ? {
          emulator: await startLineEmulator({ allowHttpMediaUrls: true }),
          channelSecret: randomBytes(16).toString('hex'),
          admin: config.ADMIN_EMAIL ? undefined : firstAdmin,
        }
      : undefined;
  const api = createLineApi(
    sandbox
      ? {
          channelAccessToken: sandbox.emulator.channelAccessToken,
          apiBaseUrl: sandbox.emulator.url,
          dataApiBaseUrl: sandbox.emulator.url,
        }
      : {
          channelAccessToken: config.LINE_CHANNEL_ACCESS_TOKEN!,
          apiBaseUrl: config.LINE_API_BASE_URL,
          dataApiBaseUrl: config.LINE_DATA_API_BASE_URL,
        },
  );
  const channelSecret = sandbox?.channelSecret ?? config.LINE_CHANNEL_SECRET!;
  if (sandbox) {
    // The emulator starts empty: give it the rich menus a real channel gets from `npm run richmenus:deploy`
    // (never done at start against LINE), so volunteer approval can link the volunteer menu.
    const definitions = buildRichMenuDefinitions(i18n.getFixedT(config.DEFAULT_LOCALE));
    await deployRichMenus(api, definitions, loadRichMenuImages(definitions));
  }

  const sender = createSender({ models, api, logger, instanceId });
  const menuDeps = { connection, lineApi: api, logger };
  // An approved volunteer gets the menu for today: the survey variant while a campaign of theirs runs.
  const reconcileVolunteerMenu = (lineUserId: string) =>
    reconcileMenu(menuDeps, lineUserId, new Date(), { force: true });
  const volunteerDeps = {
    connection,
    lineApi: api,
    sender,
    i18n,
    logger,
    reconcileMenu: reconcileVolunteerMenu,
  };
  const broadcasts = broadcastRouter({ connection, api: apiRegistry, lineApi: api, logger, instanceId });
  // Each feature performs its own effects; the bot only routes them (src/conversation/effects.ts).
  const privacyDeps = { i18n, api, models, media, cases, consents };
  // Status news waits for the reporter to write (a free reply) or for its one push (cases/updates/).
  const caseApiDeps = {
    connection,
    sender,
    logger,
    reportError,
    api: apiRegistry,
    i18n,
    coalesceMs: config.NOTIFY_COALESCE_MINUTES * 60_000,
  };
  const reporterUpdates = reporterUpdatesJob(caseApiDeps);
  const botHandler = createBotHandler({
    engine,
    feedback,
    i18n,
    api,
    models,
    media,
    cases,
    logger,
    defaultLocale: config.DEFAULT_LOCALE,
    effects: {
      ...privacyEffects(privacyDeps),
      ...caseEffects({
        ...privacyDeps,
        logger,
        onCaseCreated: (created) => offerNewCase(volunteerDeps, created),
      }),
      ...handoffEffects(handoffs),
      ...mediaEffects(media),
      host: async (effect, { userId, at }) =>
        effect.action.startsWith('survey.')
          ? await performSurveyEffect(
              { connection, i18n, engine, cases, logger, addFriendUrl: config.LINE_ADD_FRIEND_URL },
              effect,
              userId,
              at,
            )
          : { messages: await performVolunteerEffect(volunteerDeps, effect, userId) },
    },
    // Survey campaigns: "Survey a household", pause and resume around the engine.
    // A family member who has LINE follows the case a survey made for their household (by its code).
    hooks: [
      surveyChatHook({ connection, i18n, engine }),
      householdLinkHook({ connection, i18n, addFriendUrl: config.LINE_ADD_FRIEND_URL }),
    ],
  });
  const handler = withWaitingUpdates(botHandler, reporterUpdates);
  // Measured by the webhook, read by the processor: both see the lag of this instance's deliveries.
  const settle = createSettleClock({ minMs: config.EVENT_SETTLE_MS, maxMs: 2000 });
  const gate = createAckGate();
  const processor = createProcessor({
    models,
    sender,
    handler,
    settle,
    gate,
    logger,
    reportError,
    instanceId,
    rememberReplyToken: (entry) => rememberUnusedReplyToken(connection, entry),
    apology: (context) => {
      const userId = context.event.source?.userId;
      if (!userId || context.chatKey !== `user:${userId}`) return undefined;
      const state = stateSchema.safeParse(context.state);
      const language = (state.success ? state.data.language : null) ?? config.DEFAULT_LOCALE;
      return {
        id: `${context.eventId}:apology`,
        to: userId,
        purpose: 'apology',
        eventId: context.eventId,
        messages: [{ type: 'text', text: i18n.getFixedT(language)('line:apology') }],
        replyToken: context.replyToken,
        replyTokenExpiresAt: context.replyTokenExpiresAt,
      };
    },
  });

  let url = '';
  const webhook = webhookRouter({
    channelSecret,
    models,
    logger,
    onAccepted: (chatKeys) => processor.kick(chatKeys),
    settle,
    gate,
  });
  const routers: Router[] = [
    ...staffRouters,
    handoffRouter({ connection, logger, api: apiRegistry, models, sender, processor }),
    caseApiRouter(caseApiDeps),
    volunteerRouter({
      connection,
      logger,
      api: apiRegistry,
      lineApi: api,
      sender,
      i18n,
      reconcileMenu: reconcileVolunteerMenu,
    }),
    campaignRouter({ connection, logger, api: apiRegistry, flows: engine.flows, i18n, lineApi: api }),
    notificationsRouter,
    quotaRouter({ connection, logger, api: apiRegistry, lineApi: api }),
    broadcasts,
    consoleRouter({ notifyCoalesceMinutes: config.NOTIFY_COALESCE_MINUTES }),
    publicRouter({
      connection,
      i18n,
      api: apiRegistry,
      threshold: config.PUBLIC_MIN_CELL_SIZE,
      addFriendUrl: config.LINE_ADD_FRIEND_URL,
      qrUrl: config.LINE_ADD_FRIEND_QR_URL,
      sandbox: config.lineMode === 'sandbox',
      defaultLanguage: config.DEFAULT_LOCALE,
    }),
    demoRouter({ connection, logger, api: apiRegistry, sandbox: config.lineMode === 'sandbox' }),
  ];
  if (sandbox) {
    routers.push(
      sandboxRouter({
        emulator: sandbox.emulator,
        channelSecret,
        webhookUrl: () => `${url}/webhook`,
        logger,
        // The emulator forgot who followed and who is a volunteer; the database did not.
        friendship: await restoreSandboxUsers({ emulator: sandbox.emulator, connection, lineApi: api }),
      }),
    );
  }

  const app = createApp({
    logger,
    reportError,
    isReady: () => database.ping(),
    healthCounts: () => ({ webhook: webhook.counts() }),
    trustProxy: config.TRUST_PROXY,
    databaseState: databaseServer.state,
    machineRouters: [webhook],
    routers,
  });
  const server = await listen(app, options.port ?? config.PORT);
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  processor.start();

  const resendNotifications = caseNotificationSweep(caseApiDeps);
  const scheduler = createScheduler({ connection, logger, reportError, instanceId });
  const jobs: Job[] = [
    {
      name: 'flow-timeouts',
      schedule: '* * * * *',
      run: async (now) => {
        const chatKeys = await enqueueDueTimeouts(models, now);
        processor.kick(chatKeys);
        return { chats: chatKeys.length };
      },
    },
    {
      name: 'pending-push-retries',
      schedule: '* * * * *',
      run: async () => ({ delivered: await sender.deliverDue() }),
    },
    {
      name: 'case-notifications',
      schedule: '* * * * *',
      run: async () => ({ resent: await resendNotifications() }),
    },
    {
      name: 'reporter-updates',
      schedule: '* * * * *',
      // One push per reporter whose news waited its window out without them writing.
      run: (now) => reporterUpdates.deliverDue(now),
    },
    {
      name: 'reporter-update-claims-purge',
      schedule: '37 3 * * *',
      run: async (now) => ({ purged: await reporterUpdates.purgeClaims(now) }),
    },
    {
      name: 'quota-watch',
      schedule: '11 * * * *',
      // Coordinators hear before status updates would be held for lack of LINE quota.
      run: (now) => warnOfQuota({ connection, lineApi: api }, now),
    },
    {
      name: 'broadcasts',
      schedule: '* * * * *',
      run: (now) => runDueBroadcasts({ connection, lineApi: api, logger, instanceId }, now),
    },
    {
      name: 'campaign-menus',
      // Campaigns start and end at Bangkok's midnight; later runs catch up with a failed link.
      schedule: '0 0,6,12,18 * * *',
      timezone: 'Asia/Bangkok',
      run: (now) => syncCampaignMenus(menuDeps, now),
    },
    {
      name: 'media-retries',
      schedule: '* * * * *',
      run: async (now) => ({ stored: await retryPendingMedia(media, api, now) }),
    },
    {
      name: 'media-purge',
      schedule: '29 * * * *',
      // Photos and files of no case, no report in progress and no open hand-off (see privacy/media-purge.ts).
      run: async (now) =>
        purgeUnusedMedia(connection, {
          olderThan: new Date(now.getTime() - config.RETENTION_MEDIA_GRACE_HOURS * 3600_000),
        }),
    },
    {
      name: 'reply-token-purge',
      schedule: '*/5 * * * *',
      // The documents name LINE users: gone within minutes of their token's minute.
      run: async (now) => ({ purged: await purgeExpiredReplyTokens(connection, now) }),
    },
    {
      name: 'auth-purge',
      schedule: '7 * * * *',
      run: async (now) => purgeExpiredAuth(staffModels(connection), now),
    },
    {
      name: 'purge-dedupe-markers',
      schedule: '17 3 * * *',
      run: async (now) => ({
        events: await purgeProcessedEvents(models, new Date(now.getTime() - 7 * DAY_MS)),
        jobTicks: await purgeJobTicks(connection, new Date(now.getTime() - 7 * DAY_MS)),
      }),
    },
  ];
  if (options.jobs !== false) scheduler.start([...jobs, ...caseJobs]);

  let stopping: Promise<void> | undefined;
  return {
    url,
    database,
    databaseServer,
    sandbox,
    processor,
    sender,
    reporterUpdates,
    stop() {
      stopping ??= (async () => {
        await closeServer(server, options.drainMs ?? 8000);
        await scheduler.stop();
        await processor.stop();
        await sandbox?.emulator.stop();
        await database.close();
        if (!options.databaseServer) await databaseServer.stop();
      })();
      return stopping;
    },
  };
}
