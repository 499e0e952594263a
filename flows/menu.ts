import type { FlowDefinition } from '../src/conversation/schema';

export const menu = {
  id: 'menu',
  version: 1,
  requiresConsent: false,
  start: 'which',
  steps: {
    which: {
      kind: 'branch',
      cases: [{ when: { type: 'consent', level: 'given' }, next: 'full' }],
      otherwise: 'limited',
    },
    full: {
      kind: 'ask',
      text: { key: 'flows:menu.ask' },
      answer: {
        type: 'choice',
        options: [
          { value: 'report', label: 'flows:menu.report', emoji: '📝' },
          { value: 'household', label: 'flows:menu.household', emoji: '👥' },
          { value: 'cases', label: 'flows:menu.cases', emoji: '📂' },
          { value: 'staff', label: 'flows:menu.staff', emoji: '💬' },
          { value: 'data', label: 'flows:menu.data', emoji: '🔒' },
          { value: 'language', label: 'flows:menu.language', emoji: '🌐' },
        ],
      },
      store: 'choice',
      next: 'go',
    },
    // Without consent: information and a phone number, nothing personal.
    limited: {
      kind: 'ask',
      text: { key: 'flows:menu.ask_limited' },
      answer: {
        type: 'choice',
        options: [
          { value: 'info', label: 'flows:menu.info', emoji: 'ℹ️' },
          { value: 'phone', label: 'flows:menu.phone', emoji: '📞' },
          { value: 'consent', label: 'flows:menu.consent', emoji: '✅' },
          { value: 'language', label: 'flows:menu.language', emoji: '🌐' },
        ],
      },
      store: 'choice',
      next: 'go',
    },
    go: {
      kind: 'branch',
      cases: [
        { when: { type: 'equals', field: 'choice', value: 'report' }, next: 'to_report' },
        { when: { type: 'equals', field: 'choice', value: 'household' }, next: 'to_household' },
        { when: { type: 'equals', field: 'choice', value: 'cases' }, next: 'to_cases' },
        { when: { type: 'equals', field: 'choice', value: 'staff' }, next: 'to_staff' },
        { when: { type: 'equals', field: 'choice', value: 'data' }, next: 'to_data' },
        { when: { type: 'equals', field: 'choice', value: 'language' }, next: 'to_language' },
        { when: { type: 'equals', field: 'choice', value: 'info' }, next: 'info' },
        { when: { type: 'equals', field: 'choice', value: 'phone' }, next: 'phone' },
      ],
      otherwise: 'to_welcome',
    },
    to_report: { kind: 'end', then: 'report-need' },
    to_household: { kind: 'end', then: 'report-household' },
    to_cases: { kind: 'end', then: 'my-cases' },
    to_staff: { kind: 'end', then: 'talk-to-staff' },
    to_data: { kind: 'end', then: 'my-data' },
    to_language: { kind: 'end', then: 'language' },
    to_welcome: { kind: 'end', then: 'welcome' },
    info: { kind: 'end', text: { key: 'flows:menu.info_text' } },
    phone: { kind: 'end', text: { key: 'flows:menu.phone_text' } },
  },
} satisfies FlowDefinition;
