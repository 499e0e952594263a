import type { AnswerValue, Consent, TextRef } from './schema';

/** A label is a translation key, or a literal shown as is in every language (a language's own name). */
export type Label = TextRef | { literal: string };

export type QuickReply = {
  label: Label;
  emoji?: string;
  action:
    | { type: 'postback'; data: string }
    | { type: 'camera' }
    | { type: 'cameraRoll' }
    | { type: 'location' }
    | { type: 'datepicker'; data: string };
};

export type Display =
  { kind: 'text'; text: string } | { kind: 'keys'; keys: TextRef[] } | { kind: 'date'; date: string };

/** `editData` absent: the row cannot be edited from the summary. */
export type SummaryRow = { field: string; label: TextRef; value: Display | null; editData?: string };

/** What the bot says, independent of LINE and of the language: the renderer turns it into LINE messages. */
export type OutMessage =
  | { kind: 'text'; text: TextRef; quickReplies?: QuickReply[] }
  | { kind: 'summary'; title: TextRef; rows: SummaryRow[]; confirmData: string; quickReplies?: QuickReply[] }
  /** Built by the host once the case exists (the engine does not know the reference). */
  | { kind: 'caseCreated'; reference: string; createdAt: string; quickReplies?: QuickReply[] };

export type Effect =
  | { type: 'send'; messages: OutMessage[] }
  | {
      type: 'createCase';
      intakeId: string;
      flowId: string;
      flowVersion: number;
      language: string;
      answers: Record<string, AnswerValue>;
      consent: Consent;
    }
  | { type: 'handoff'; since: string }
  /** The user left the staff conversation, or it timed out: the bot answers again. */
  | { type: 'endHandoff'; at: string }
  | { type: 'recordConsent'; noticeVersion: string; sensitive: boolean; at: string; language: string }
  | { type: 'withdrawConsent'; at: string }
  | { type: 'deleteMyData'; at: string }
  | { type: 'showCases' }
  | { type: 'showMyData' }
  /** The reporter adds photos and/or a note (text or a voice message) to one of their open cases. */
  | {
      type: 'addToCase';
      reference: string;
      at: string;
      language: string;
      mediaIds: string[];
      note?: { text: string } | { voiceMediaId: string };
    }
  | { type: 'withdrawCase'; reference: string; at: string; language: string }
  /**
   * Follow-up answers for a case that exists: found by the intake that made it, or by its reference. Carries
   * every answer so far (not only the last), so a retry or a lost event changes nothing.
   */
  | {
      type: 'updateCase';
      case: { intakeId: string } | { reference: string };
      at: string;
      language: string;
      answers: Record<string, AnswerValue>;
    }
  /** A flow's `host` effect: `runId` is stable for the run, so the host can act on it at most once. */
  | { type: 'host'; action: string; runId: string; language: string; answers: Record<string, AnswerValue> }
  /** Media received but never confirmed (cancelled or expired): the host deletes what it downloaded. */
  | { type: 'discardMedia'; mediaIds: string[] };
