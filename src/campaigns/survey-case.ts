import type { TFunction } from 'i18next';
import { createCase, type CaseModels } from '../cases/create-case';
import { CATEGORIES, TENURES, VULNERABLE_MEMBERS, type CaseInput } from '../cases/case-schema';
import type { CampaignDoc, SurveyDoc } from './model';

/** The household's first priority as a case category. */
const CATEGORY_OF: Record<string, (typeof CATEGORIES)[number]> = {
  roof: 'roof',
  walls: 'walls',
  floor: 'floor',
  toilet: 'toilet',
  water: 'water',
  electricity: 'electricity',
  new_house: 'unsafe_or_no_home',
};

const str = (value: unknown) => (typeof value === 'string' ? value : '');

/**
 * An urgent need found by a survey becomes a case in one tap, linked both ways (the survey keeps the
 * reference; the case's intake is the survey). As for a volunteer's household report, the volunteer is
 * who LINE tells about the case: the household's own LINE account is not known to the survey.
 */
export async function createSurveyCase(
  deps: { cases: CaseModels },
  {
    survey,
    campaign,
    userId,
    at,
    t,
  }: { survey: SurveyDoc; campaign: CampaignDoc; userId: string; at: Date; t: TFunction },
): Promise<string> {
  const a = survey.answers;
  const vulnerable = (Array.isArray(a.vulnerable) ? a.vulnerable : [])
    .map((v) => (v === 'under5' ? 'child_under_5' : String(v)))
    .filter((v): v is (typeof VULNERABLE_MEMBERS)[number] =>
      (VULNERABLE_MEMBERS as readonly string[]).includes(v),
    );
  const tenure = (TENURES as readonly string[]).includes(str(a.tenure))
    ? (str(a.tenure) as (typeof TENURES)[number])
    : 'not_sure';
  const label = (question: string, value: unknown) =>
    value === undefined ? '-' : t(`survey:household.${question}.${String(value)}`);
  const description = t('survey:host.case_description', {
    campaign: campaign.name,
    priority: label('priority', a.priority),
    roof: label('roof_condition', a.roofCondition),
    walls: label('wall_condition', a.wallCondition),
    floor: label('floor_condition', a.floorCondition),
    toilet: label('toilet', a.toilet),
  });
  const location = surveyPlace(survey, campaign);
  const created = await createCase(
    deps.cases,
    {
      intakeId: `survey:${survey._id}`,
      // The household's agreement recorded on the survey.
      consentId: `survey:${survey._id}`,
      language: survey.language,
      reporter: { lineUserId: userId },
      reportedBy: 'volunteer',
      volunteer: { lineUserId: userId, relation: 'survey_volunteer', householdInformed: true },
      household: {
        ...(str(a.headName) ? { headName: str(a.headName) } : {}),
        size: Math.min(Math.max(Number(a.members) || 1, 1), 50),
        vulnerable,
        tenure,
        ...(str(a.phone) ? { phone: str(a.phone) } : {}),
      },
      category: CATEGORY_OF[str(a.priority)] ?? 'other',
      description: { text: description },
      mediaIds: Array.isArray(a.photos) ? a.photos.map(String) : [],
      location,
    },
    () => at,
  );
  return created.case.reference;
}

/**
 * Where the household is, as a resident's case records it: the point they shared (if any) and, typed as a
 * resident would, the village the volunteer picked and the campaign's subdistrict, district and province,
 * which the case's place is resolved from (geo/resolve-place.ts). A place typed in the survey stands for the
 * village only when the campaign names none.
 */
function surveyPlace(survey: SurveyDoc, campaign: CampaignDoc): CaseInput['location'] {
  const place = survey.answers.location as
    { lat?: number; lng?: number; title?: string; address?: string; typed?: string } | undefined;
  const village =
    campaign.villages.find((v) => v.id === survey.villageId)?.name ?? place?.typed?.trim() ?? '';
  const typedAddress = {
    ...(village ? { village: village.slice(0, 200) } : {}),
    ...(campaign.area.subdistrict ? { subdistrict: campaign.area.subdistrict } : {}),
    ...(campaign.area.district ? { district: campaign.area.district } : {}),
    province: campaign.area.province,
  };
  if (!place || typeof place.lat !== 'number' || typeof place.lng !== 'number') return { typedAddress };
  return {
    lat: place.lat,
    lng: place.lng,
    typedAddress,
    ...(place.title || place.address
      ? {
          shared: {
            ...(place.title ? { title: place.title.slice(0, 300) } : {}),
            ...(place.address ? { address: place.address.slice(0, 300) } : {}),
          },
        }
      : {}),
  };
}
