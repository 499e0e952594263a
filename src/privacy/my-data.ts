import { byUser } from '../cases/case-scope';
import type { messagingApi } from '@line/bot-sdk';
import { formatDate, LIMITS } from '../conversation';
import { clip } from '../conversation/render';
import type { Case } from '../cases/case-schema';
import { volunteerModels, type VolunteerDoc } from '../volunteers/model';
import type { ConsentDoc, ConsentModel } from './consents';
import type { TFunction } from 'i18next';
import type { CaseModels } from '../cases/create-case';
import type { i18n } from 'i18next';
import type { IngestionModels } from '../ingestion/models';
import type { LineApi } from '../line/line-api';
import type { MediaModels } from '../media/models';

/** What the data copy, the cases carousel and erasure read and change. */
export type PrivacyDeps = {
  i18n: i18n;
  api: LineApi;
  models: IngestionModels;
  media: MediaModels;
  cases: CaseModels;
  consents: ConsentModel;
};
type Deps = Omit<PrivacyDeps, 'api'>;

/** Reports shown in the chat copy, newest first; the rest are counted and staff give a full copy. */
export const CASES_IN_COPY = 10;
/** A description longer than this is cut in the chat copy (the full text is in the staff copy). */
const DESCRIPTION_IN_COPY = 500;
const CONSENTS_IN_COPY = 10;

/** One report as the chat copy shows it: what it says about the person and their household. */
export type CaseCopy = Pick<Case, 'reference' | 'status' | 'category' | 'reportedBy' | 'createdAt'> & {
  description?: string;
  household: Pick<Case['household'], 'headName' | 'size' | 'phone' | 'vulnerable' | 'tenure' | 'missing'>;
  location: Pick<Case['location'], 'lat' | 'lng' | 'typedAddress' | 'shared'> & {
    resolved?: Partial<Case['location']['resolved']>;
  };
  photos: number;
  voiceNotes: number;
};

/** Everything the chat copy shows; loaded by `loadDataCopy`, rendered by `renderDataCopy`. */
export type DataCopy = {
  displayName?: string;
  /** The language the bot speaks with the person. */
  language: string;
  consents: Pick<ConsentDoc, 'noticeVersion' | 'sensitive' | 'givenAt' | 'withdrawnAt'>[];
  totalConsents: number;
  volunteers: Pick<VolunteerDoc, 'name' | 'phone' | 'organisation' | 'areas' | 'status' | 'registeredAt'>[];
  cases: CaseCopy[];
  totalCases: number;
};

/** Reads what NeedLine holds about the user (PDPA right of access): the data itself, not counts. */
export async function loadDataCopy(deps: Deps, userId: string, language: string): Promise<DataCopy> {
  const { Volunteer } = volunteerModels(deps.models.LineUser.db);
  const [user, consents, totalConsents, volunteers, cases, totalCases] = await Promise.all([
    deps.models.LineUser.findById(userId, { displayName: 1 }).lean(),
    deps.consents
      .find({ lineUserId: userId }, { noticeVersion: 1, sensitive: 1, givenAt: 1, withdrawnAt: 1 })
      .sort({ givenAt: -1 })
      .limit(CONSENTS_IN_COPY)
      .lean(),
    deps.consents.countDocuments({ lineUserId: userId }),
    Volunteer.find(
      { lineUserId: userId },
      { name: 1, phone: 1, organisation: 1, areas: 1, status: 1, registeredAt: 1 },
    )
      .sort({ registeredAt: -1 })
      .lean<DataCopy['volunteers']>(),
    deps.cases.cases
      .find(byUser(userId), {
        reference: 1,
        status: 1,
        category: 1,
        reportedBy: 1,
        createdAt: 1,
        description: 1,
        household: 1,
        location: 1,
        mediaIds: 1,
      })
      .sort({ createdAt: -1 })
      .limit(CASES_IN_COPY)
      .lean(),
    deps.cases.cases.countDocuments(byUser(userId)),
  ]);
  const mediaIds = cases.flatMap((item) => item.mediaIds ?? []);
  const kinds = new Map(
    (await deps.media.Media.find({ _id: { $in: mediaIds } }, { kind: 1 }).lean()).map((media) => [
      media._id,
      media.kind,
    ]),
  );
  return {
    ...(user?.displayName ? { displayName: user.displayName } : {}),
    language,
    consents,
    totalConsents,
    volunteers,
    totalCases,
    cases: cases.map((item) => {
      const ids = item.mediaIds ?? [];
      return {
        reference: item.reference,
        status: item.status,
        category: item.category,
        reportedBy: item.reportedBy,
        createdAt: item.createdAt,
        ...(item.description?.text ? { description: item.description.text } : {}),
        household: item.household,
        location: item.location,
        photos: ids.filter((id) => kinds.get(id) === 'image').length,
        voiceNotes:
          ids.filter((id) => kinds.get(id) === 'audio').length + (item.description?.voiceMediaId ? 1 : 0),
      };
    }),
  };
}

/**
 * The copy as chat texts in the reader's language: who they are to us first, then their reports,
 * packed into at most `maxMessages` texts of LINE's 5,000 characters. Reports that do not fit are
 * counted, never cut in half; a long description is cut (staff give the complete copy).
 */
export function renderDataCopy(
  copy: DataCopy,
  t: TFunction,
  language: string,
  maxMessages: number,
  now: Date,
): messagingApi.TextMessage[] {
  const date = (value: Date) => formatDate(value.toISOString(), language);
  const english = language !== 'th';
  const line = (key: string, params: Record<string, unknown> = {}) => t(`line:my_data.${key}`, params);
  const given = (value: string | undefined | null) => (value ? value : line('not_given'));

  const profile = [
    line('title', { date: date(now) }),
    copy.displayName ? line('display_name', { name: copy.displayName }) : line('display_name_none'),
    line('language', { language: t('bot:language.name', { lng: copy.language }) }),
  ];
  if (copy.consents.length === 0) profile.push(line('consents_none'));
  else {
    profile.push(line('consents_title'));
    for (const consent of copy.consents) {
      const params = {
        date: date(consent.givenAt),
        what: line(consent.sensitive ? 'consent_sensitive' : 'consent_personal'),
        version: consent.noticeVersion,
      };
      profile.push(
        consent.withdrawnAt
          ? line('consent_withdrawn', { ...params, withdrawn: date(consent.withdrawnAt) })
          : line('consent_entry', params),
      );
    }
    if (copy.totalConsents > copy.consents.length)
      profile.push(line('consents_more', { count: copy.totalConsents - copy.consents.length }));
  }
  for (const volunteer of copy.volunteers) {
    const areas = volunteer.areas
      .map((area) =>
        [english ? area.districtEn : area.district, english ? area.provinceEn : area.province]
          .filter(Boolean)
          .join(', '),
      )
      .join('; ');
    profile.push(
      line('volunteer', {
        name: volunteer.name,
        phone: volunteer.phone,
        organisation: given(volunteer.organisation),
        areas: given(areas),
        status: line(`volunteer_status.${volunteer.status}`),
        date: date(volunteer.registeredAt),
      }),
    );
  }

  // Room for the closing line about reports not shown, whatever the language.
  const budget = LIMITS.text - 300;
  const messages: string[] = [];
  let current = clip(profile.join('\n'), budget);
  const add = (section: string): boolean => {
    if (current.length + 2 + section.length <= budget) current += `\n\n${section}`;
    else if (messages.length + 1 < maxMessages && section.length <= budget) {
      messages.push(current);
      current = section;
    } else return false;
    return true;
  };
  let shown = 0;
  if (copy.cases.length === 0) add(line('cases_none'));
  else if (add(line('cases_title', { count: copy.totalCases }))) {
    for (const item of copy.cases) {
      if (!add(caseBlock(item, t, language))) break;
      shown++;
    }
  }
  const rest = copy.totalCases - shown;
  if (rest > 0) current += `\n\n${line('cases_more', { count: rest })}`;
  messages.push(current);
  return messages.map((text) => ({ type: 'text', text }));
}

function caseBlock(item: CaseCopy, t: TFunction, language: string): string {
  const line = (key: string, params: Record<string, unknown> = {}) => t(`line:my_data.${key}`, params);
  const given = (value: string | undefined) => (value ? value : line('not_given'));
  const { household, location } = item;
  const english = language !== 'th';
  const resolved = location.resolved ?? {};
  // A shared location's own address already names its places, as the person's phone showed them.
  const names = location.shared?.address
    ? [location.shared.address]
    : [
        english ? resolved.subdistrictEn : resolved.subdistrict,
        english ? resolved.districtEn : resolved.district,
        english ? resolved.provinceEn : resolved.province,
      ];
  const place = [location.typedAddress?.village, location.shared?.title, ...names].filter(Boolean).join(', ');
  const point = location.lat !== undefined && location.lng !== undefined;
  return [
    line('case', {
      reference: item.reference,
      category: t(`cases:category.${item.category}`),
      status: t(`cases:status.${item.status}`),
    }),
    line('case_reported', {
      date: formatDate(item.createdAt.toISOString(), language),
      by: t(`cases:reportedBy.${item.reportedBy}`),
    }),
    line('case_description', {
      text: item.description ? clip(item.description, DESCRIPTION_IN_COPY) : line('not_given'),
    }),
    line('case_household', {
      name: given(household.headName),
      size: household.size ?? line('not_given'),
      phone: given(household.phone),
    }),
    line('case_needs', {
      members:
        household.vulnerable.length > 0
          ? household.vulnerable.map((member) => t(`cases:vulnerable.${member}`)).join(', ')
          : household.missing?.includes('vulnerable')
            ? line('not_given')
            : line('none'),
      tenure: household.tenure ? t(`cases:tenure.${household.tenure}`) : line('not_given'),
    }),
    line('case_place', {
      place: given(place),
      point: point ? `${location.lat!.toFixed(5)}, ${location.lng!.toFixed(5)}` : line('not_given'),
    }),
    line('case_media', { photos: item.photos, voice: item.voiceNotes }),
  ].join('\n');
}
