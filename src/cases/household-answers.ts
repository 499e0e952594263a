import type { AnswerValue } from '../conversation';
import { householdAnswers, missingQuestions } from './case-input';
import type { Case, TimelineEntry } from './case-schema';
import type { CaseModels } from './create-case';
import { phoneKey } from './duplicates';
import { caseKeywords } from './keywords';
import { computePriority } from './priority';
import { isOpenCase } from './status';

export type HouseholdUpdate = {
  /** The case: by the intake that made it (right after the report) or by its reference (a card's button). */
  case: { intakeId: string } | { reference: string };
  /** Every follow-up answer so far: a retry, or an answer given twice, changes nothing more. */
  answers: Record<string, AnswerValue>;
  at: Date;
};

export type HouseholdUpdateOutcome =
  | { kind: 'updated'; reference: string; missing: string[] }
  | { kind: 'unchanged'; reference: string }
  | { kind: 'not_found' }
  | { kind: 'closed'; reference: string };

/**
 * The household questions answered after a short report's reference: each answer given joins the case,
 * an answer not given leaves the case as it is (a skip never erases an earlier answer). The case's list
 * of missing answers, its priority (partial while size, vulnerable members or tenure are missing) and its
 * search words follow. A level staff set by hand stays: only the score and its reasons change.
 * Only the reporter's own, open, not erased case is changed.
 */
export async function applyHouseholdAnswers(
  models: CaseModels,
  lineUserId: string,
  update: HouseholdUpdate,
): Promise<HouseholdUpdateOutcome> {
  const { cases } = models;
  const found = await cases
    .findOne({ ...update.case, 'reporter.lineUserId': lineUserId }, { _id: 0 })
    .lean<Case>();
  if (!found || found.erasedAt) return { kind: 'not_found' };
  if (!isOpenCase(found.status)) return { kind: 'closed', reference: found.reference };

  const given = householdAnswers(update.answers);
  const previous = found.household;
  const household = {
    ...previous,
    ...given,
    vulnerable: given.vulnerable ?? previous.vulnerable,
  };
  const stillMissing = new Set(previous.missing ?? []);
  const missing = missingQuestions({
    size: household.size,
    tenure: household.tenure,
    headName: household.headName,
    // Vulnerable members were answered when they were, before or now: an empty list is an answer too.
    vulnerable: given.vulnerable ?? (stillMissing.has('vulnerable') ? undefined : household.vulnerable),
  });
  const answeredNow = (previous.missing ?? []).filter((question) => !missing.includes(question));
  const changed =
    answeredNow.length > 0 ||
    (Object.keys(given) as (keyof typeof given)[]).some(
      (field) => JSON.stringify(given[field]) !== JSON.stringify(previous[field]),
    );
  if (!changed) return { kind: 'unchanged', reference: found.reference };

  const computed = computePriority({ category: found.category, household: { ...household, missing } });
  const staffLevel = found.timeline.some(
    (entry) => entry.kind === 'priority_changed' && entry.actor === 'staff',
  );
  const priority = { ...computed, level: staffLevel ? found.priority.level : computed.level };
  const entry: TimelineEntry = {
    at: update.at,
    kind: 'household_answered',
    actor: 'reporter',
    actorId: lineUserId,
    // Which questions, never the answers: the household's data is on the case, for readers allowed it.
    text: Object.keys(given).join(', '),
  };
  const keywords = caseKeywords({ ...found, household: { ...household } }, phoneKey(found.household.phone));
  await cases.updateOne(
    { reference: found.reference },
    {
      $set: { household: { ...household, missing }, priority, keywords, updatedAt: update.at },
      $push: { timeline: entry },
    },
  );
  return { kind: 'updated', reference: found.reference, missing };
}
