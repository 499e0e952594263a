import type { FlowDefinition } from '../src/conversation/schema';

/**
 * From the menu: the host answers `showCases` with the user's cases as cards, after this text.
 * From a card's button (`case:<reference>:<action>`): add photos or a note to that case, withdraw it, or
 * answer the household questions left after a short report.
 * The host checks the case is the user's and still open, and says how it went.
 */
export const myCases = {
  id: 'my-cases',
  version: 2,
  requiresConsent: true,
  start: 'route',
  inputs: ['caseReference', 'caseAction'],
  steps: {
    route: {
      kind: 'branch',
      cases: [
        { when: { type: 'equals', field: 'caseAction', value: 'photos' }, next: 'photos' },
        { when: { type: 'equals', field: 'caseAction', value: 'note' }, next: 'note' },
        { when: { type: 'equals', field: 'caseAction', value: 'withdraw' }, next: 'confirm_withdraw' },
        { when: { type: 'equals', field: 'caseAction', value: 'household' }, next: 'household' },
      ],
      otherwise: 'show',
    },
    show: { kind: 'effect', effect: { type: 'showCases' }, next: 'intro' },
    intro: { kind: 'end', text: { key: 'flows:my_cases.intro' } },
    photos: {
      kind: 'ask',
      text: { key: 'flows:my_cases.photos' },
      answer: { type: 'photos', max: 10 },
      store: 'photos',
      next: 'add_photos',
    },
    add_photos: { kind: 'effect', effect: { type: 'addToCase', field: 'photos' }, next: 'done' },
    note: {
      kind: 'ask',
      text: { key: 'flows:my_cases.note' },
      answer: { type: 'textOrVoice', maxLength: 2000 },
      store: 'note',
      next: 'add_note',
    },
    add_note: { kind: 'effect', effect: { type: 'addToCase', field: 'note' }, next: 'done' },
    confirm_withdraw: {
      kind: 'ask',
      text: { key: 'flows:my_cases.confirm_withdraw' },
      answer: { type: 'yesno' },
      store: 'withdrawConfirmed',
      next: 'withdraw_if_sure',
    },
    withdraw_if_sure: {
      kind: 'branch',
      cases: [{ when: { type: 'equals', field: 'withdrawConfirmed', value: true }, next: 'withdraw' }],
      otherwise: 'kept',
    },
    withdraw: { kind: 'effect', effect: { type: 'withdrawCase' }, next: 'done' },
    // The household questions left after a short report, taken up again from the card.
    household: { kind: 'end', then: 'household-questions' },
    // The host answers with the outcome (added, withdrawn, or why not).
    done: { kind: 'end' },
    kept: { kind: 'end', text: { key: 'flows:my_cases.kept' } },
  },
} satisfies FlowDefinition;
