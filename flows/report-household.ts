import type { FlowDefinition } from '../src/conversation/schema';
import { NOTICE_VERSION } from './welcome';
import {
  category,
  createCase,
  description,
  householdSize,
  location,
  phone,
  photos,
  sensitiveConsent,
  tenure,
  vulnerable,
} from './questions';

/**
 * A volunteer reporting for another household keeps the full path (they need every answer before they
 * leave the house): the same questions, plus who the household head is, the volunteer's relation to
 * them, and the volunteer's word that the household was told and agreed (PDPA s.25).
 */
export const reportHousehold = {
  id: 'report-household',
  version: 2,
  requiresConsent: true,
  start: 'head',
  steps: {
    head: {
      kind: 'ask',
      text: { key: 'flows:report_household.head.ask' },
      label: 'flows:report_household.head.label',
      answer: { type: 'text', maxLength: 200 },
      store: 'headName',
      next: 'relation',
    },
    relation: {
      kind: 'ask',
      text: { key: 'flows:report_household.relation.ask' },
      label: 'flows:report_household.relation.label',
      answer: {
        type: 'choice',
        options: [
          { value: 'family', label: 'flows:report_household.relation.family', emoji: '👪' },
          { value: 'neighbour', label: 'flows:report_household.relation.neighbour', emoji: '🏘️' },
          {
            value: 'health_volunteer',
            label: 'flows:report_household.relation.health_volunteer',
            emoji: '🩺',
          },
          {
            value: 'community_leader',
            label: 'flows:report_household.relation.community_leader',
            emoji: '⭐',
          },
          { value: 'other', label: 'flows:report_household.relation.other', emoji: '❓' },
        ],
      },
      store: 'relation',
      next: 'informed',
    },
    informed: {
      kind: 'ask',
      text: { key: 'flows:report_household.informed.ask' },
      answer: { type: 'yesno' },
      store: 'informed',
      next: 'may_report',
    },
    may_report: {
      kind: 'branch',
      cases: [{ when: { type: 'equals', field: 'informed', value: true }, next: 'category' }],
      otherwise: 'not_informed',
    },
    not_informed: { kind: 'end', text: { key: 'flows:report_household.not_informed' } },
    category,
    description,
    photos,
    location,
    household: { ...householdSize, next: 'may_ask_sensitive' },
    // Their health and disability need their own agreement, as well as the volunteer's sensitive consent,
    // asked here when the volunteer has not given it yet.
    may_ask_sensitive: {
      kind: 'branch',
      cases: [{ when: { type: 'consent', level: 'sensitive' }, next: 'household_sensitive' }],
      otherwise: 'sensitive',
    },
    sensitive: sensitiveConsent,
    sensitive_given: {
      kind: 'branch',
      cases: [{ when: { type: 'equals', field: 'sensitive', value: 'agree' }, next: 'record_sensitive' }],
      otherwise: 'tenure',
    },
    record_sensitive: {
      kind: 'effect',
      effect: { type: 'recordConsent', noticeVersion: NOTICE_VERSION, sensitiveField: 'sensitive' },
      next: 'household_sensitive',
    },
    household_sensitive: {
      kind: 'ask',
      text: { key: 'flows:report_household.sensitive.ask' },
      answer: { type: 'yesno' },
      store: 'householdSensitive',
      next: 'may_ask_vulnerable',
    },
    may_ask_vulnerable: {
      kind: 'branch',
      cases: [{ when: { type: 'equals', field: 'householdSensitive', value: true }, next: 'vulnerable' }],
      otherwise: 'tenure',
    },
    vulnerable,
    tenure,
    phone: { ...phone, text: { key: 'flows:report_household.phone.ask' } },
    summary: {
      kind: 'summary',
      title: 'flows:report_household.summary',
      fields: [
        'headName',
        'relation',
        'category',
        'description',
        'photos',
        'location',
        'householdSize',
        'vulnerable',
        'tenure',
        'phone',
      ],
      next: 'create',
    },
    create: createCase,
    thanks: { kind: 'say', text: { key: 'flows:report_household.thanks' }, next: 'another' },
    another: {
      kind: 'ask',
      text: { key: 'flows:report_household.another' },
      answer: { type: 'yesno' },
      store: 'another',
      next: 'again',
    },
    again: {
      kind: 'branch',
      cases: [{ when: { type: 'equals', field: 'another', value: true }, next: 'next_household' }],
      otherwise: 'done',
    },
    next_household: { kind: 'end', then: 'report-household' },
    done: { kind: 'end', text: { key: 'flows:report_household.done' } },
  },
} satisfies FlowDefinition;
