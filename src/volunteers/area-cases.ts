import type { Connection } from 'mongoose';
import type { Case, CaseCategory, CaseStatus } from '../cases/case-schema';
import { caseModel } from '../cases/case-model';
import { FINAL_STATUSES } from '../cases/status';
import { volunteerModels, type VolunteerArea, type VolunteerDoc } from './model';

/** A carousel holds 12 bubbles; ten keep it readable. */
export const AREA_CASES_LIMIT = 10;

/**
 * What a volunteer may see of a case: where and what, never who, except for a case assigned to
 * them for a home visit, where the household's name, phone and point are what the visit needs.
 */
export type AreaCase = {
  reference: string;
  category: CaseCategory;
  status: CaseStatus;
  createdAt: Date;
  place: {
    subdistrict?: string;
    subdistrictEn?: string;
    district?: string;
    districtEn?: string;
    province?: string;
    provinceEn?: string;
  };
  assigned: boolean;
  visit?: { headName?: string; phone?: string; lat?: number; lng?: number };
};

/** The volunteer's current approved registration, or null. */
export async function activeVolunteer(
  connection: Connection,
  lineUserId: string,
): Promise<VolunteerDoc | null> {
  const { Volunteer } = volunteerModels(connection);
  return Volunteer.findOne({ lineUserId, status: 'active' }).sort({ registeredAt: -1 }).lean<VolunteerDoc>();
}

/**
 * The case filter for "in these areas": whole provinces by province code, the rest by district code.
 * A shared location resolves offline to the province only, so a district volunteer also sees the cases
 * of that province whose district is unknown: better a case slightly outside than one never seen.
 */
export function areaFilter(areas: VolunteerArea[]): Record<string, unknown>[] {
  const provinces = areas.filter((a) => !a.districtCode).map((a) => a.provinceCode);
  const districtAreas = areas.filter((a) => a.districtCode);
  const districts = districtAreas.map((a) => a.districtCode!);
  const provincesOfDistricts = [...new Set(districtAreas.map((a) => a.provinceCode))];
  return [
    ...(provinces.length > 0 ? [{ 'location.resolved.provinceCode': { $in: provinces } }] : []),
    ...(districts.length > 0 ? [{ 'location.resolved.districtCode': { $in: districts } }] : []),
    ...(provincesOfDistricts.length > 0
      ? [
          {
            'location.resolved.provinceCode': { $in: provincesOfDistricts },
            'location.resolved.districtCode': { $exists: false },
          },
        ]
      : []),
  ];
}

const PUBLIC_FIELDS = { reference: 1, category: 1, status: 1, createdAt: 1, 'location.resolved': 1 } as const;

/**
 * Open cases in an approved volunteer's provinces and districts, plus open cases assigned to them for
 * a home visit (those first); null when the user is not an approved volunteer.
 */
export async function casesInArea(
  connection: Connection,
  volunteerUserId: string,
): Promise<AreaCase[] | null> {
  const volunteer = await activeVolunteer(connection, volunteerUserId);
  if (!volunteer) return null;
  const cases = caseModel(connection);
  const open = { status: { $nin: FINAL_STATUSES } };
  const assignments = await volunteerModels(connection)
    .VolunteerAssignment.find({ lineUserId: volunteerUserId }, { _id: 1 })
    .lean();
  const assignedRefs = assignments.map((a) => a._id);
  const assigned = assignedRefs.length
    ? await cases
        .find(
          { ...open, reference: { $in: assignedRefs } },
          {
            ...PUBLIC_FIELDS,
            'household.headName': 1,
            'household.phone': 1,
            'location.lat': 1,
            'location.lng': 1,
          },
        )
        .sort({ createdAt: -1 })
        .limit(AREA_CASES_LIMIT)
        .lean<Case[]>()
    : [];
  const or = areaFilter(volunteer.areas);
  const room = AREA_CASES_LIMIT - assigned.length;
  const inArea =
    or.length > 0 && room > 0
      ? await cases
          .find({ ...open, $or: or, reference: { $nin: assigned.map((c) => c.reference) } }, PUBLIC_FIELDS)
          .sort({ createdAt: -1 })
          .limit(room)
          .lean<Case[]>()
      : [];
  return [...assigned.map((c) => areaCaseView(c, true)), ...inArea.map((c) => areaCaseView(c, false))];
}

/** A case as a volunteer sees it; `assigned` adds what a home visit needs. */
export function areaCaseView(
  record: Pick<Case, 'reference' | 'category' | 'status' | 'createdAt' | 'location' | 'household'>,
  assigned: boolean,
): AreaCase {
  const r = record.location.resolved;
  const place = Object.fromEntries(
    (['subdistrict', 'subdistrictEn', 'district', 'districtEn', 'province', 'provinceEn'] as const)
      .filter((key) => r?.[key])
      .map((key) => [key, r[key]]),
  );
  return {
    reference: record.reference,
    category: record.category,
    status: record.status,
    createdAt: record.createdAt,
    place,
    assigned,
    ...(assigned
      ? {
          visit: {
            ...(record.household?.headName ? { headName: record.household.headName } : {}),
            ...(record.household?.phone ? { phone: record.household.phone } : {}),
            ...(record.location.lat !== undefined && record.location.lng !== undefined
              ? { lat: record.location.lat, lng: record.location.lng }
              : {}),
          },
        }
      : {}),
  };
}

/** LINE users with an approved registration: for `deployRichMenus`' `usersToRelink('volunteer')`. */
export async function activeVolunteerUserIds(connection: Connection): Promise<string[]> {
  return volunteerModels(connection).Volunteer.distinct('lineUserId', { status: 'active' });
}
