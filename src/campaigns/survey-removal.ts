import type { Connection } from 'mongoose';
import { campaignModels, type SurveyDoc } from './model';
import { deleteSurveyMedia } from './survey-media';
import { householdCodeModels, purgeHouseholdCodes } from './household-link';

/**
 * Deletes one survey for good: its photos, the document, and the duplicate flags other surveys of the
 * campaign carried towards it (the household they pointed to is gone). Coverage and indicators are
 * computed from the surveys, so they follow at once. A case made from the survey is the household's
 * case and stays, under the case's own retention. Returns the photos deleted, or null when no such survey.
 */
export async function deleteSurvey(
  connection: Connection,
  survey: Pick<SurveyDoc, '_id' | 'campaignId'>,
): Promise<{ media: number } | null> {
  const { Survey } = campaignModels(connection);
  // Photos first: a run cut short leaves the survey, and the next attempt finds it and goes on.
  const media = await deleteSurveyMedia(connection, survey._id);
  const { deletedCount } = await Survey.deleteOne({ _id: survey._id });
  await householdCodeModels(connection).HouseholdCode.deleteMany({ surveyId: survey._id });
  await Survey.updateMany(
    { campaignId: survey.campaignId, duplicateOf: survey._id },
    { $unset: { duplicateOf: '' } },
  );
  return deletedCount > 0 || media > 0 ? { media } : null;
}

/** Most the survey notice lets a survey be kept ("at most 3 years", locales/<lang>/survey.json). */
export const SURVEY_RETENTION_MAX_DAYS = 1095;

const DAY_MS = 24 * 3600_000;

/**
 * PDPA retention of surveys: a survey (with its photos) is deleted once it is older than `days`,
 * counted from when it was completed or declined, or for a paused one from when it was last touched.
 * Counts only.
 */
export async function purgeOldSurveys(
  connection: Connection,
  days: number,
  now: Date,
): Promise<{ surveys: number; media: number }> {
  const cutoff = new Date(now.getTime() - Math.min(days, SURVEY_RETENTION_MAX_DAYS) * DAY_MS);
  const old = campaignModels(connection)
    .Survey.find(
      {
        $or: [{ completedAt: { $lt: cutoff } }, { status: 'paused', updatedAt: { $lt: cutoff } }],
      },
      { _id: 1, campaignId: 1 },
    )
    .lean<Pick<SurveyDoc, '_id' | 'campaignId'>[]>()
    .cursor();
  const summary = { surveys: 0, media: 0 };
  for await (const survey of old) {
    const outcome = await deleteSurvey(connection, survey);
    if (!outcome) continue;
    summary.surveys++;
    summary.media += outcome.media;
  }
  await purgeHouseholdCodes(connection, now);
  return summary;
}
