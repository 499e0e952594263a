import type { i18n } from 'i18next';
import type { Connection } from 'mongoose';
import type { ErrorSink } from '../errors';
import { createI18n } from '../i18n';
import { lineModels } from '../line/models';
import type { Sender } from '../line/sender';
import { caseApiModels } from './case-records';
import { createCaseService } from './case-service';
import { createNotifier } from './reporter-notifications';
import { createUpdateDelivery, type UpdateDelivery } from './updates/delivery';

export type CaseServiceDeps = {
  connection: Connection;
  sender: Sender;
  reportError: ErrorSink;
  /** The app's i18next instance; one is made from locales/ when absent. */
  i18n?: i18n;
  clock?: () => Date;
  /**
   * How long a reporter's status news waits for them to write (a free reply) or for more news
   * before one push (NOTIFY_COALESCE_MINUTES); 0 or absent: delivered at once.
   */
  coalesceMs?: number;
};

/** The case service with the notifier that tells reporters, as the staff API and the sweep use them. */
export function caseServices(deps: CaseServiceDeps) {
  const clock = deps.clock ?? (() => new Date());
  const i18n = deps.i18n ?? createI18n('th');
  const updates = createUpdateDelivery({
    connection: deps.connection,
    ingestion: lineModels(deps.connection),
    sender: deps.sender,
    i18n,
    clock,
    coalesceMs: deps.coalesceMs ?? 0,
  });
  const notifier = createNotifier({
    models: caseApiModels(deps.connection),
    ingestion: lineModels(deps.connection),
    sender: deps.sender,
    i18n,
    clock,
    updates,
  });
  const service = createCaseService({
    connection: deps.connection,
    notifier,
    reportError: deps.reportError,
    clock,
  });
  return { clock, service, i18n, updates };
}

/** For the scheduler (every minute or so): sends notifications a crash interrupted; idempotent. */
export function caseNotificationSweep(deps: CaseServiceDeps): () => Promise<number> {
  const { service } = caseServices(deps);
  return () => service.resendPending();
}

/** For the scheduler (every minute): pushes the status news whose coalescing window has ended. */
export function reporterUpdatesJob(deps: CaseServiceDeps): UpdateDelivery {
  return caseServices(deps).updates;
}
