import type { FlowDefinition } from '../src/conversation/schema';

/** The PDPA notice shown; a new text needs a new version, and the consent record keeps it. */
export const NOTICE_VERSION = '2025-01';

const agreeDecline = [
  { value: 'agree', label: 'flows:welcome.agree', emoji: '✅' },
  { value: 'decline', label: 'flows:welcome.decline', emoji: '✖️' },
];

export const welcome = {
  id: 'welcome',
  version: 1,
  requiresConsent: false,
  start: 'language',
  steps: {
    language: {
      kind: 'ask',
      text: { key: 'flows:welcome.language' },
      answer: { type: 'language' },
      store: 'language',
      next: 'notice',
    },
    notice: {
      kind: 'say',
      text: { key: 'flows:welcome.notice', params: { version: NOTICE_VERSION } },
      next: 'consent',
    },
    consent: {
      kind: 'ask',
      text: { key: 'flows:welcome.consent' },
      answer: { type: 'choice', options: agreeDecline },
      store: 'consent',
      next: 'consent_given',
    },
    consent_given: {
      kind: 'branch',
      cases: [{ when: { type: 'equals', field: 'consent', value: 'agree' }, next: 'sensitive' }],
      otherwise: 'info_only',
    },
    // Health, disability and ethnicity need explicit consent of their own (PDPA s.26).
    sensitive: {
      kind: 'ask',
      text: { key: 'flows:welcome.sensitive' },
      answer: { type: 'choice', options: agreeDecline },
      store: 'sensitive',
      next: 'record',
    },
    record: {
      kind: 'effect',
      effect: { type: 'recordConsent', noticeVersion: NOTICE_VERSION, sensitiveField: 'sensitive' },
      next: 'thanks',
    },
    thanks: { kind: 'end', text: { key: 'flows:welcome.thanks' }, then: 'menu' },
    info_only: { kind: 'end', text: { key: 'flows:welcome.declined' }, then: 'menu' },
  },
} satisfies FlowDefinition;
