import type { FlowDefinition } from '../src/conversation/schema';

/** The PDPA notice shown; a new text needs a new version, and the consent record keeps it. */
export const NOTICE_VERSION = '2025-01';

/**
 * One question: consent to collect, in plain words, with the whole notice a tap away and the other
 * languages offered once (the language is the LINE profile's). Sensitive data (health, disability) is
 * asked for separately when its question comes. Once agreed, the flow that asked for consent goes on;
 * otherwise the report, which is why most people add the account.
 */
export const welcome = {
  id: 'welcome',
  version: 2,
  requiresConsent: false,
  start: 'consent',
  steps: {
    consent: {
      kind: 'ask',
      text: { key: 'flows:welcome.consent' },
      answer: {
        type: 'choice',
        options: [
          { value: 'agree', label: 'flows:welcome.agree', emoji: '✅' },
          { value: 'notice', label: 'flows:welcome.read_notice', emoji: '📄' },
          { value: 'decline', label: 'flows:welcome.decline', emoji: '✖️' },
        ],
      },
      offerLanguage: true,
      store: 'consent',
      next: 'consent_given',
    },
    consent_given: {
      kind: 'branch',
      cases: [
        { when: { type: 'equals', field: 'consent', value: 'agree' }, next: 'record' },
        { when: { type: 'equals', field: 'consent', value: 'notice' }, next: 'notice' },
      ],
      otherwise: 'info_only',
    },
    notice: {
      kind: 'say',
      text: { key: 'flows:welcome.notice', params: { version: NOTICE_VERSION } },
      next: 'consent',
    },
    record: {
      kind: 'effect',
      effect: { type: 'recordConsent', noticeVersion: NOTICE_VERSION },
      next: 'thanks',
    },
    thanks: { kind: 'end', text: { key: 'flows:welcome.thanks' }, then: 'report-need' },
    info_only: { kind: 'end', text: { key: 'flows:welcome.declined' }, then: 'menu' },
  },
} satisfies FlowDefinition;
