import type { FlowDefinition } from '../src/conversation/schema';

/**
 * A family member who has LINE sends the household code a survey volunteer showed them, to follow the
 * case the survey made (src/campaigns/household-link-chat.ts). Typing the code outside a flow is caught
 * before the engine; this flow is where it lands after the consent asked first, and it asks for the code
 * again (words typed before consent are not kept).
 */
export const householdNews = {
  id: 'household-news',
  version: 1,
  requiresConsent: true,
  start: 'code',
  steps: {
    code: {
      kind: 'ask',
      text: { key: 'survey:household_link.ask_code' },
      answer: { type: 'text', maxLength: 60 },
      store: 'householdCode',
      next: 'check',
    },
    check: { kind: 'effect', effect: { type: 'host', action: 'survey.householdCode' }, next: 'end' },
    end: { kind: 'end' },
  },
} satisfies FlowDefinition;
