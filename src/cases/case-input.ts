import type { AnswerValue, DescribePlace, Effect } from '../conversation';
import {
  CATEGORIES,
  HOUSEHOLD_QUESTIONS,
  TENURES,
  VULNERABLE_MEMBERS,
  type CaseInput,
  type HouseholdQuestion,
  type Tenure,
  type VulnerableMember,
} from './case-schema';
import type { AddressDirectory } from '../geo/address-directory';
import { resolvePlace } from '../geo/resolve-place';
import { consentId } from '../conversation/effects';

type CreateCase = Extract<Effect, { type: 'createCase' }>;

/** The flows' answer values where they differ from the case model's names. */
const CATEGORY_ALIASES: Record<string, string> = { unsafe: 'unsafe_or_no_home', disaster: 'disaster_damage' };
const VULNERABLE_ALIASES: Record<string, string> = { under5: 'child_under_5' };

/** Turns the answers a user confirmed into the case model's input: pure, nothing computed. */
export function caseInputFrom(effect: CreateCase, lineUserId: string): CaseInput {
  const a = effect.answers;
  const category = pick(CATEGORIES, CATEGORY_ALIASES[str(a.category)] ?? str(a.category)) ?? 'other';
  const answered = householdAnswers(a);
  const phone = str(a.phone) || undefined;
  const byVolunteer = effect.flowId === 'report-household';
  const description = a.description as { text?: string; mediaId?: string } | undefined;

  return {
    intakeId: effect.intakeId,
    consentId: consentId(lineUserId, effect.consent.at),
    language: effect.language,
    reporter: { lineUserId },
    reportedBy: byVolunteer ? 'volunteer' : 'self',
    ...(byVolunteer
      ? {
          volunteer: {
            lineUserId,
            relation: str(a.relation) || 'volunteer',
            householdInformed: true as const,
          },
        }
      : {}),
    household: {
      ...answered,
      vulnerable: answered.vulnerable ?? [],
      ...(phone ? { phone } : {}),
      missing: missingQuestions(answered),
    },
    category,
    description: description?.mediaId
      ? { voiceMediaId: description.mediaId, ...(description.text ? { text: description.text } : {}) }
      : { text: description?.text || '-' },
    mediaIds: arr(a.photos),
    location: locationFrom(a.location),
  };
}

/** The household answers given so far, in the case model's names; a question not answered is absent. */
export type HouseholdAnswers = {
  size?: number;
  vulnerable?: VulnerableMember[];
  tenure?: Tenure;
  headName?: string;
};

export function householdAnswers(a: Record<string, AnswerValue>): HouseholdAnswers {
  const size = typeof a.householdSize === 'number' ? a.householdSize : Number(str(a.householdSize));
  const tenure = pick(TENURES, str(a.tenure));
  const headName = str(a.headName).trim();
  return {
    ...(Number.isFinite(size) && size >= 1 ? { size: Math.min(Math.round(size), 50) } : {}),
    // Asked only with sensitive consent: no answer is not "nobody vulnerable".
    ...(Array.isArray(a.vulnerable)
      ? {
          vulnerable: arr(a.vulnerable)
            .map((value) => VULNERABLE_ALIASES[value] ?? value)
            .filter((value): value is VulnerableMember =>
              (VULNERABLE_MEMBERS as readonly string[]).includes(value),
            ),
        }
      : {}),
    ...(tenure ? { tenure } : {}),
    ...(headName ? { headName: headName.slice(0, 200) } : {}),
  };
}

/** The household questions without an answer. */
export function missingQuestions(answered: HouseholdAnswers): HouseholdQuestion[] {
  return HOUSEHOLD_QUESTIONS.filter((question) => answered[question] === undefined);
}

function locationFrom(value: AnswerValue | undefined): CaseInput['location'] {
  if (value && typeof value === 'object' && 'lat' in value && typeof value.lat === 'number') {
    // Clipped, not refused: a long address must not cost the family their report.
    const title = value.title?.trim().slice(0, 300);
    const address = value.address?.trim().slice(0, 300);
    const shared = { ...(title ? { title } : {}), ...(address ? { address } : {}) };
    return { lat: value.lat, lng: value.lng, ...(title || address ? { shared } : {}) };
  }
  if (value && typeof value === 'object' && 'typed' in value && typeof value.typed === 'string') {
    return { typedAddress: splitTypedAddress(value.typed) };
  }
  return { typedAddress: { village: '-' } };
}

/** "village, subdistrict, district, province": the last part is the widest; fewer parts fill from the end. */
export function splitTypedAddress(typed: string): NonNullable<CaseInput['location']['typedAddress']> {
  // Thai addresses are often typed with spaces only: "บ้านเข็กน้อย เขาค้อ เพชรบูรณ์".
  const separator = /[,\n]/.test(typed) ? /[,\n]+/ : /\s+/;
  const parts = typed
    .split(separator)
    .map((part) => part.trim())
    .filter(Boolean);
  const [province, district, subdistrict, ...rest] = parts.reverse();
  return {
    ...(province ? { province } : {}),
    ...(district ? { district } : {}),
    ...(subdistrict ? { subdistrict } : {}),
    ...(rest.length > 0 ? { village: rest.reverse().join(', ') } : {}),
  };
}

/**
 * A typed address as the case will resolve it (the same split and lookup), so the user confirms what
 * staff will see. Thai names in Thai; English names otherwise, as the volunteers' areas do.
 */
export function placeDescriber(directory: AddressDirectory): DescribePlace {
  return (typed, language) => {
    const place = resolvePlace(directory, { typedAddress: splitTypedAddress(typed) });
    const thai = language === 'th';
    const name = (th: string | undefined, en: string | undefined) => (thai ? th : (en ?? th));
    const subdistrict = name(place.subdistrict, place.subdistrictEn);
    const district = name(place.district, place.districtEn);
    const province = name(place.province, place.provinceEn);
    return {
      ...(subdistrict ? { subdistrict } : {}),
      ...(district ? { district } : {}),
      ...(province ? { province } : {}),
    };
  };
}

function str(value: AnswerValue | undefined): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

function arr(value: AnswerValue | undefined): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function pick<T extends string>(allowed: readonly T[], value: string): T | undefined {
  return (allowed as readonly string[]).includes(value) ? (value as T) : undefined;
}
