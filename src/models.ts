import type { Connection } from 'mongoose';
import { broadcastModels } from './broadcasts/models';
import { campaignModels } from './campaigns/model';
import { householdCodeModels } from './campaigns/household-link';
import { caseApiModels } from './cases/case-records';
import { caseModels } from './cases/create-case';
import { updateModels } from './cases/updates/store';
import { publicationConsentModel } from './cases/publication-consent-model';
import { caseFeedbackModel } from './feedback/model';
import { handoffModel } from './handoffs/model';
import { ingestionModels } from './ingestion/models';
import { jobTickModel } from './jobs/scheduler';
import { unusedReplyTokenModel } from './line/unused-reply-tokens';
import { mediaModels } from './media/models';
import { caseEscalationModel } from './notifications/sla-escalation';
import { staffNotificationModel } from './notifications/staff-notifications';
import { consentModel } from './privacy/consents';
import { auditModel } from './staff/audit-model';
import { staffModels } from './staff/models';
import { menuLinkModel } from './richmenus/menu-links';
import { volunteerModels } from './volunteers/model';

/**
 * Every model of the service, registered on the connection once at start: `ensureIndexes` builds
 * the indexes of the registered models only (autoIndex is off), so a model first compiled later,
 * by a request or a job, would run without its indexes. A new model is added here.
 */
export function registerModels(connection: Connection): void {
  ingestionModels(connection);
  unusedReplyTokenModel(connection);
  caseModels(connection);
  caseApiModels(connection);
  updateModels(connection);
  publicationConsentModel(connection);
  mediaModels(connection);
  consentModel(connection);
  handoffModel(connection);
  caseFeedbackModel(connection);
  volunteerModels(connection);
  broadcastModels(connection);
  staffModels(connection);
  auditModel(connection);
  staffNotificationModel(connection);
  caseEscalationModel(connection);
  jobTickModel(connection);
  campaignModels(connection);
  menuLinkModel(connection);
  householdCodeModels(connection);
}
