import type { FlowDefinition } from '../src/conversation/schema';

export const language = {
  id: 'language',
  version: 1,
  requiresConsent: false,
  start: 'choose',
  steps: {
    choose: {
      kind: 'ask',
      text: { key: 'flows:language.ask' },
      answer: { type: 'language' },
      store: 'language',
      next: 'done',
    },
    done: { kind: 'end', text: { key: 'flows:language.done' } },
  },
} satisfies FlowDefinition;
