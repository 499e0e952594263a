import type { FlowDefinition } from '../src/conversation/schema';

/** See, withdraw and delete: withdrawing is as easy as giving consent (PDPA s.19). */
export const myData = {
  id: 'my-data',
  version: 1,
  requiresConsent: true,
  start: 'what',
  steps: {
    what: {
      kind: 'ask',
      text: { key: 'flows:my_data.ask' },
      answer: {
        type: 'choice',
        options: [
          { value: 'see', label: 'flows:my_data.see', emoji: '👀' },
          { value: 'withdraw', label: 'flows:my_data.withdraw', emoji: '🚫' },
          { value: 'delete', label: 'flows:my_data.delete', emoji: '🗑️' },
        ],
      },
      store: 'action',
      next: 'which',
    },
    which: {
      kind: 'branch',
      cases: [
        { when: { type: 'equals', field: 'action', value: 'withdraw' }, next: 'confirm_withdraw' },
        { when: { type: 'equals', field: 'action', value: 'delete' }, next: 'confirm_delete' },
      ],
      otherwise: 'show',
    },
    show: { kind: 'effect', effect: { type: 'showMyData' }, next: 'shown' },
    shown: { kind: 'end', text: { key: 'flows:my_data.shown' } },
    confirm_withdraw: {
      kind: 'ask',
      text: { key: 'flows:my_data.confirm_withdraw' },
      answer: { type: 'yesno' },
      store: 'withdrawConfirmed',
      next: 'withdraw_if_sure',
    },
    withdraw_if_sure: {
      kind: 'branch',
      cases: [{ when: { type: 'equals', field: 'withdrawConfirmed', value: true }, next: 'withdraw' }],
      otherwise: 'kept',
    },
    withdraw: { kind: 'effect', effect: { type: 'withdrawConsent' }, next: 'withdrawn' },
    withdrawn: { kind: 'end', text: { key: 'flows:my_data.withdrawn' } },
    confirm_delete: {
      kind: 'ask',
      text: { key: 'flows:my_data.confirm_delete' },
      answer: { type: 'yesno' },
      store: 'deleteConfirmed',
      next: 'delete_if_sure',
    },
    delete_if_sure: {
      kind: 'branch',
      cases: [{ when: { type: 'equals', field: 'deleteConfirmed', value: true }, next: 'delete' }],
      otherwise: 'kept',
    },
    delete: { kind: 'effect', effect: { type: 'deleteMyData' }, next: 'deleted' },
    deleted: { kind: 'end', text: { key: 'flows:my_data.deleted' } },
    kept: { kind: 'end', text: { key: 'flows:my_data.kept' } },
  },
} satisfies FlowDefinition;
