import type { FlowDefinition } from '../src/conversation/schema';
import { NOTICE_VERSION } from './welcome';
import { headName, householdSize, sensitiveConsent, tenure, vulnerable } from './questions';

/**
 * After the reference: the household questions that order the visits (size, vulnerable members,
 * tenure) and the head's name. Each answer is saved on the case as it is given; any may be skipped,
 * "Later" leaves the rest, and the case's card in "My cases" takes them up again. Sensitive consent is
 * asked here, when the sensitive question comes, not at the welcome.
 */
export const householdQuestions = {
  id: 'household-questions',
  version: 1,
  requiresConsent: true,
  followUp: true,
  // `caseIntake` from the report that just made the case; `caseReference` from a case card's button.
  inputs: ['caseIntake', 'caseReference'],
  start: 'intro',
  steps: {
    intro: { kind: 'say', text: { key: 'flows:household_questions.intro' }, next: 'size' },
    size: { ...householdSize, optional: true, next: 'save_size' },
    save_size: { kind: 'effect', effect: { type: 'updateCase' }, next: 'may_ask_vulnerable' },
    may_ask_vulnerable: {
      kind: 'branch',
      cases: [{ when: { type: 'consent', level: 'sensitive' }, next: 'vulnerable' }],
      otherwise: 'sensitive',
    },
    sensitive: sensitiveConsent,
    sensitive_given: {
      kind: 'branch',
      cases: [{ when: { type: 'equals', field: 'sensitive', value: 'agree' }, next: 'record_sensitive' }],
      otherwise: 'tenure',
    },
    record_sensitive: {
      kind: 'effect',
      effect: { type: 'recordConsent', noticeVersion: NOTICE_VERSION, sensitiveField: 'sensitive' },
      next: 'vulnerable',
    },
    vulnerable: { ...vulnerable, optional: true, next: 'save_vulnerable' },
    save_vulnerable: { kind: 'effect', effect: { type: 'updateCase' }, next: 'tenure' },
    tenure: { ...tenure, optional: true, next: 'save_tenure' },
    save_tenure: { kind: 'effect', effect: { type: 'updateCase' }, next: 'head_name' },
    head_name: { ...headName, next: 'save_head_name' },
    save_head_name: { kind: 'effect', effect: { type: 'updateCase' }, next: 'done' },
    done: { kind: 'end', text: { key: 'flows:household_questions.done' } },
  },
} satisfies FlowDefinition;
