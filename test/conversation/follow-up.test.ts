import { nextTimeoutAt } from '../../src/conversation';
import { followUpReminderAt } from '../../src/conversation/follow-up';
import { consentedState, Conversation, keys, replies } from './harness';

/** Bangkok wall-clock time (UTC+7) as an instant. */
const bangkok = (iso: string) => new Date(`${iso}+07:00`);

describe('the household questions after the reference', () => {
  it('are reminded the next day, moved into waking hours in Thailand', () => {
    expect(followUpReminderAt(bangkok('2025-01-15T10:30:00'))).toEqual(bangkok('2025-01-16T10:30:00'));
    // Reported late at night: reminded the next morning at 08:00, not at 23:00.
    expect(followUpReminderAt(bangkok('2025-01-15T02:00:00'))).toEqual(bangkok('2025-01-16T08:00:00'));
    // Reported in the evening: reminded the next evening before 20:00.
    expect(followUpReminderAt(bangkok('2025-01-15T21:30:00'))).toEqual(bangkok('2025-01-16T19:00:00'));
  });

  function afterReport() {
    const conversation = new Conversation(consentedState('en'));
    conversation.send({ kind: 'text', text: 'My roof leaks when it rains' });
    conversation.send({ kind: 'postback', data: 'a:photos:__skip' });
    conversation.send({ kind: 'location', lat: 16.6, lng: 101.0 });
    conversation.send({ kind: 'postback', data: 'a:phone:__skip' });
    conversation.send({ kind: 'postback', data: 'a:summary:confirm' });
    return conversation;
  }

  it('offer "Later" instead of "Cancel", keep the questions open for one reminder, and never ask to start over', () => {
    const conversation = afterReport();
    expect(replies(conversation.send({ kind: 'text', text: 'lots' }))).toEqual([
      'a:size:__skip',
      'cmd:cancel',
    ]);
    const later = conversation.send({ kind: 'postback', data: 'cmd:cancel' });
    expect(keys(later)).toEqual(['bot:followup.later']);
    expect(later.state.run?.flowId).toBe('household-questions');
    expect(nextTimeoutAt(later.state)).toEqual(followUpReminderAt(conversation.now));

    // Hours later an answer is simply an answer: nothing to "continue or start over".
    const answered = conversation.send({ kind: 'text', text: '3' }, 5 * 3_600_000);
    expect(keys(answered)).not.toContain('bot:resume.ask');
    expect(answered.effects).toContainEqual(
      expect.objectContaining({ type: 'updateCase', answers: { householdSize: 3 } }),
    );
  });

  it('on the reminder, "Later" closes them; nothing more is ever pushed', () => {
    const conversation = afterReport();
    const reminder = conversation.send({ kind: 'timeout' }, 24 * 3_600_000);
    expect(keys(reminder)).toEqual(['bot:followup.reminder']);
    const closed = conversation.send({ kind: 'postback', data: 'cmd:cancel' });
    expect(keys(closed)[0]).toBe('bot:followup.later_reminded');
    expect(closed.state.run?.flowId).toBe('menu');
    expect(nextTimeoutAt(closed.state)).toBeNull();
  });

  it('close without a word a day after the reminder', () => {
    const conversation = afterReport();
    conversation.send({ kind: 'timeout' }, 24 * 3_600_000);
    const early = conversation.send({ kind: 'timeout' }, 3_600_000);
    expect(early.effects).toEqual([]);
    const closed = conversation.send({ kind: 'timeout' }, 23 * 3_600_000);
    expect(closed.effects).toEqual([]);
    expect(closed.state.run).toBeNull();
  });

  it('give way to a new report typed instead of an answer', () => {
    const conversation = afterReport();
    const next = conversation.send({ kind: 'text', text: 'the toilet is broken and smells' });
    expect(next.state.run?.flowId).toBe('report-need');
    expect(next.state.run?.answers.category).toBe('toilet');
  });
});
