import type { ConversationState, Flow, Run } from './schema';

/**
 * Follow-up questions: asked after the case exists (the household questions after the reference). Every
 * answer is saved on the case as it is given, so leaving them loses nothing: no "continue or start
 * over?", no discard. A person who leaves them is reminded once, the next day in waking hours (a push:
 * it costs the foundation's LINE quota, so never twice), and a day later they close without a word.
 * They can be taken up again from the case's card in "My cases". Pure, like the engine.
 */

const HOUR = 60 * 60 * 1000;
export const FOLLOW_UP_TIMING = {
  /** The reminder: a day after the person's last message... */
  remindAfterMs: 24 * HOUR,
  /** ...moved into waking hours in Thailand (UTC+7, no daylight saving): 08:00 to 20:00. */
  wakingFromHour: 8,
  wakingUntilHour: 20,
  /** Closed, silently, this long after the reminder or the last message after it. */
  closeAfterMs: 24 * HOUR,
};

const BANGKOK_OFFSET_MS = 7 * HOUR;

/** The reminder's time: a day after `lastActivity`, moved into waking hours in Bangkok. */
export function followUpReminderAt(lastActivity: Date): Date {
  const at = new Date(lastActivity.getTime() + FOLLOW_UP_TIMING.remindAfterMs);
  const local = new Date(at.getTime() + BANGKOK_OFFSET_MS);
  const hour = local.getUTCHours() + local.getUTCMinutes() / 60;
  const { wakingFromHour: from, wakingUntilHour: until } = FOLLOW_UP_TIMING;
  if (hour >= from && hour < until) return at;
  const dayStart = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate());
  // Before waking hours: that morning. After them: that evening, still the next day, never at night.
  const localTarget = hour < from ? dayStart + from * HOUR : dayStart + (until - 1) * HOUR;
  return new Date(localTarget - BANGKOK_OFFSET_MS);
}

/** When a follow-up run needs the scheduler: its one reminder, then its silent close. */
export function followUpTimeoutAt(state: ConversationState, run: Run): Date | null {
  if (!run.followUp) return null;
  if (!run.followUp.reminded) {
    return state.lastActivityAt ? followUpReminderAt(new Date(state.lastActivityAt)) : null;
  }
  const since = state.reminderSentAt ?? state.lastActivityAt;
  return since ? new Date(Date.parse(since) + FOLLOW_UP_TIMING.closeAfterMs) : null;
}

/** What a timeout does to a follow-up run now: nothing yet, its reminder, or its close. */
export function followUpDue(state: ConversationState, run: Run, now: Date): 'none' | 'remind' | 'close' {
  const due = followUpTimeoutAt(state, run);
  if (!due || now.getTime() < due.getTime()) return 'none';
  return run.followUp?.reminded ? 'close' : 'remind';
}

/**
 * The answers a follow-up flow gives the case: not the inputs that named the case, nor an answer to a
 * consent question (the consent is recorded on its own).
 */
export function followUpAnswers(run: Run, flow: Flow): Run['answers'] {
  const left = new Set(flow.inputs ?? []);
  for (const step of Object.values(flow.steps))
    if (step.kind === 'effect' && step.effect.type === 'recordConsent' && step.effect.sensitiveField)
      left.add(step.effect.sensitiveField);
  return Object.fromEntries(Object.entries(run.answers).filter(([field]) => !left.has(field)));
}
