import type { FlowDefinition } from '../src/conversation/schema';

/**
 * "Cases in my area" on the volunteer menu: the host answers `volunteer.showAreaCases` with cards.
 * Typing the menu's words starts it too (the rich menu may be hidden, and the sandbox has none).
 */
export const areaCases = {
  id: 'area-cases',
  version: 1,
  requiresConsent: true,
  triggers: [{ keywords: 'volunteers:area.triggers' }],
  start: 'show',
  steps: {
    show: { kind: 'effect', effect: { type: 'host', action: 'volunteer.showAreaCases' }, next: 'end' },
    end: { kind: 'end', text: { key: 'volunteers:area.footer' } },
  },
} satisfies FlowDefinition;
