import type { FlowDefinition } from '../src/conversation/schema';

/** "Cases in my area" on the volunteer menu: the host answers `volunteer.showAreaCases` with cards. */
export const areaCases = {
  id: 'area-cases',
  version: 1,
  requiresConsent: true,
  start: 'show',
  steps: {
    show: { kind: 'effect', effect: { type: 'host', action: 'volunteer.showAreaCases' }, next: 'end' },
    end: { kind: 'end', text: { key: 'volunteers:area.footer' } },
  },
} satisfies FlowDefinition;
