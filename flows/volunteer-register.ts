import type { FlowDefinition } from '../src/conversation/schema';

/**
 * Volunteer registration. The engine cannot look places up, so the host resolves the typed areas
 * (`volunteer.previewAreas`) and shows what it understood before the volunteer confirms them; the
 * summary shows the areas without an edit button, because editing them from there would skip that
 * check. `volunteer.register` stores the registration as pending, once per run.
 */
export const volunteerRegister = {
  id: 'volunteer-register',
  version: 1,
  requiresConsent: true,
  start: 'intro',
  triggers: [{ keywords: 'volunteers:register.triggers' }],
  steps: {
    intro: { kind: 'say', text: { key: 'volunteers:register.intro' }, next: 'name' },
    name: {
      kind: 'ask',
      text: { key: 'volunteers:register.name.ask' },
      label: 'volunteers:register.name.label',
      answer: { type: 'text', maxLength: 100 },
      store: 'name',
      next: 'phone',
    },
    phone: {
      kind: 'ask',
      text: { key: 'volunteers:register.phone.ask' },
      label: 'volunteers:register.phone.label',
      answer: { type: 'phone' },
      store: 'phone',
      next: 'organisation',
    },
    organisation: {
      kind: 'ask',
      text: { key: 'volunteers:register.organisation.ask' },
      label: 'volunteers:register.organisation.label',
      answer: { type: 'text', maxLength: 200 },
      optional: true,
      store: 'organisation',
      next: 'areas',
    },
    areas: {
      kind: 'ask',
      text: { key: 'volunteers:register.areas.ask' },
      label: 'flows:volunteer_register.areas.label',
      answer: { type: 'text', maxLength: 500 },
      store: 'areas',
      next: 'preview',
    },
    preview: { kind: 'effect', effect: { type: 'host', action: 'volunteer.previewAreas' }, next: 'areas_ok' },
    areas_ok: {
      kind: 'ask',
      text: { key: 'volunteers:register.areas_ok.ask' },
      answer: { type: 'yesno' },
      store: 'areasConfirmed',
      next: 'areas_check',
    },
    areas_check: {
      kind: 'branch',
      cases: [{ when: { type: 'equals', field: 'areasConfirmed', value: true }, next: 'data_consent' }],
      otherwise: 'areas',
    },
    data_consent: {
      kind: 'ask',
      text: { key: 'volunteers:register.consent.ask' },
      answer: {
        type: 'choice',
        options: [
          { value: 'agree', label: 'volunteers:register.consent.agree', emoji: '✅' },
          { value: 'decline', label: 'volunteers:register.consent.decline', emoji: '✖️' },
        ],
      },
      store: 'dataConsent',
      next: 'consent_check',
    },
    consent_check: {
      kind: 'branch',
      cases: [{ when: { type: 'equals', field: 'dataConsent', value: 'agree' }, next: 'summary' }],
      otherwise: 'declined',
    },
    declined: { kind: 'end', text: { key: 'volunteers:register.declined' } },
    summary: {
      kind: 'summary',
      title: 'volunteers:register.summary',
      fields: ['name', 'phone', 'organisation', 'areas'],
      locked: ['areas'],
      next: 'register',
    },
    register: { kind: 'effect', effect: { type: 'host', action: 'volunteer.register' }, next: 'done' },
    done: { kind: 'end', text: { key: 'volunteers:register.done' } },
  },
} satisfies FlowDefinition;
