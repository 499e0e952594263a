import type { FlowDefinition } from '../src/conversation/schema';

/** Hands the conversation to people: the bot stays quiet until staff close it or it times out. */
export const talkToStaff = {
  id: 'talk-to-staff',
  version: 1,
  requiresConsent: false,
  start: 'handoff',
  steps: {
    handoff: { kind: 'effect', effect: { type: 'handoff' }, next: 'told' },
    told: { kind: 'end', text: { key: 'bot:handoff.started' } },
  },
} satisfies FlowDefinition;
