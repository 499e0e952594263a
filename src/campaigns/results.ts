import type { Connection } from 'mongoose';
import type { CaseStatus } from '../cases/case-schema';
import { caseModels } from '../cases/create-case';
import { campaignModels, type CampaignDoc, type SurveyDoc } from './model';

export type Coverage = {
  target: number;
  /** Households surveyed (completed), flagged ones included: the volunteer went on, so judged it another. */
  surveyed: number;
  /** Visits where the household declined: counted, nothing kept. */
  declined: number;
  /** Surveys flagged as maybe the same household as an earlier one, for staff to review. */
  flagged: number;
  urgentCases: number;
  byVillage: {
    villageId: string | null;
    name: string | null;
    target: number;
    surveyed: number;
    declined: number;
    flagged: number;
  }[];
  byVolunteer: { volunteerId: string; surveyed: number; declined: number }[];
  byDay: { day: string; surveyed: number; declined: number }[];
};

export type Indicator = { count: number; of: number; share: number | null };
export type Indicators = {
  withoutToilet: Indicator;
  withoutTenureDocument: Indicator;
  /** Among households that agreed to tell (sensitive data). */
  withVulnerableMember: Indicator;
  exposedToFloods: Indicator;
};

type Counted = Pick<
  SurveyDoc,
  '_id' | 'villageId' | 'status' | 'volunteerId' | 'surveyedOn' | 'duplicateOf' | 'caseReference' | 'answers'
>;

export async function finishedSurveys(connection: Connection, campaignId: string): Promise<Counted[]> {
  return campaignModels(connection)
    .Survey.find(
      { campaignId, status: { $in: ['completed', 'declined'] } },
      {
        _id: 1,
        villageId: 1,
        status: 1,
        volunteerId: 1,
        surveyedOn: 1,
        duplicateOf: 1,
        caseReference: 1,
        answers: 1,
      },
    )
    .lean<Counted[]>();
}

function tally<K>(surveys: Counted[], key: (s: Counted) => K) {
  const counts = new Map<K, { surveyed: number; declined: number }>();
  for (const s of surveys) {
    const entry = counts.get(key(s)) ?? { surveyed: 0, declined: 0 };
    if (s.status === 'completed') entry.surveyed++;
    else entry.declined++;
    counts.set(key(s), entry);
  }
  return counts;
}

export function coverageOf(campaign: CampaignDoc, surveys: Counted[]): Coverage {
  const completed = surveys.filter((s) => s.status === 'completed');
  const villages = tally(surveys, (s) => s.villageId ?? null);
  const flaggedIn = new Map<string | null, number>();
  for (const s of completed)
    if (s.duplicateOf) flaggedIn.set(s.villageId ?? null, (flaggedIn.get(s.villageId ?? null) ?? 0) + 1);
  const zero = { surveyed: 0, declined: 0 };
  return {
    target: campaign.target,
    surveyed: completed.length,
    declined: surveys.length - completed.length,
    flagged: completed.filter((s) => s.duplicateOf).length,
    urgentCases: completed.filter((s) => s.caseReference).length,
    byVillage:
      campaign.villages.length > 0
        ? campaign.villages.map((v) => ({
            villageId: v.id,
            name: v.name,
            target: v.target,
            ...(villages.get(v.id) ?? zero),
            flagged: flaggedIn.get(v.id) ?? 0,
          }))
        : [
            {
              villageId: null,
              name: null,
              target: campaign.target,
              ...(villages.get(null) ?? zero),
              flagged: flaggedIn.get(null) ?? 0,
            },
          ],
    byVolunteer: [...tally(surveys, (s) => s.volunteerId)]
      .map(([volunteerId, counts]) => ({ volunteerId, ...counts }))
      .sort((a, b) => b.surveyed - a.surveyed || a.volunteerId.localeCompare(b.volunteerId)),
    byDay: [...tally(surveys, (s) => s.surveyedOn ?? '')]
      .map(([day, counts]) => ({ day, ...counts }))
      .sort((a, b) => a.day.localeCompare(b.day)),
  };
}

const indicator = (count: number, of: number): Indicator => ({
  count,
  of,
  share: of === 0 ? null : Math.round((count / of) * 1000) / 1000,
});
const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);

export function indicatorsOf(surveys: Counted[]): Indicators {
  const answers = surveys.filter((s) => s.status === 'completed').map((s) => s.answers);
  const told = answers.filter((a) => a.sensitiveConsent === true);
  return {
    withoutToilet: indicator(answers.filter((a) => a.toilet === 'none').length, answers.length),
    withoutTenureDocument: indicator(answers.filter((a) => a.landDocument === 'none').length, answers.length),
    withVulnerableMember: indicator(told.filter((a) => list(a.vulnerable).length > 0).length, told.length),
    exposedToFloods: indicator(
      answers.filter((a) => list(a.exposure).includes('flood')).length,
      answers.length,
    ),
  };
}

/** A case made from a survey (an urgent need), with where it stands now; null once it is gone. */
export type SurveyCase = {
  reference: string;
  villageId: string | null;
  surveyedOn: string | null;
  status: CaseStatus | null;
};

/** The cases the campaign's surveys made, in the order they were surveyed. */
export async function surveyCases(connection: Connection, surveys: Counted[]): Promise<SurveyCase[]> {
  const made = surveys
    .filter((s) => s.status === 'completed' && s.caseReference)
    .sort(
      (a, b) =>
        (a.surveyedOn ?? '').localeCompare(b.surveyedOn ?? '') ||
        a.caseReference!.localeCompare(b.caseReference!),
    );
  if (made.length === 0) return [];
  const found = await caseModels(connection)
    .cases.find(
      { reference: { $in: made.map((s) => s.caseReference!) } },
      { _id: 0, reference: 1, status: 1 },
    )
    .lean<{ reference: string; status: CaseStatus }[]>();
  const statusOf = new Map(found.map((c) => [c.reference, c.status]));
  return made.map((s) => ({
    reference: s.caseReference!,
    villageId: s.villageId ?? null,
    surveyedOn: s.surveyedOn ?? null,
    status: statusOf.get(s.caseReference!) ?? null,
  }));
}

export type SurveyCounts = { surveyed: number; declined: number };

/** Households surveyed and visits declined per campaign, for the list's bars (one query). */
export async function surveyCounts(
  connection: Connection,
  campaignIds: string[],
): Promise<Map<string, SurveyCounts>> {
  const counts = new Map<string, SurveyCounts>(campaignIds.map((id) => [id, { surveyed: 0, declined: 0 }]));
  if (campaignIds.length === 0) return counts;
  const rows = await campaignModels(connection).Survey.aggregate<{
    _id: { campaignId: string; status: string };
    n: number;
  }>([
    { $match: { campaignId: { $in: campaignIds }, status: { $in: ['completed', 'declined'] } } },
    { $group: { _id: { campaignId: '$campaignId', status: '$status' }, n: { $sum: 1 } } },
  ]);
  for (const { _id, n } of rows) {
    const entry = counts.get(_id.campaignId);
    if (!entry) continue;
    if (_id.status === 'completed') entry.surveyed = n;
    else entry.declined = n;
  }
  return counts;
}
