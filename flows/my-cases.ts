import type { FlowDefinition } from '../src/conversation/schema';

/** The host answers `showCases` with the user's cases as cards, after this text. */
export const myCases = {
  id: 'my-cases',
  version: 1,
  requiresConsent: true,
  start: 'show',
  steps: {
    show: { kind: 'effect', effect: { type: 'showCases' }, next: 'intro' },
    intro: { kind: 'end', text: { key: 'flows:my_cases.intro' } },
  },
} satisfies FlowDefinition;
