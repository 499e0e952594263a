import { createHash } from 'node:crypto';
import type { Connection } from 'mongoose';
import type { AddressDirectory, District } from './address-directory';
import { DISTRICT_FIXES, PROVINCE_NAME_FIXES } from './directory-corrections';

/**
 * Brings places stored before a directory correction (directory-corrections.ts) in line with it:
 * cases (`location.resolved`), campaigns (`area`) and volunteers' areas keep a place's DOPA code and
 * English name beside its Thai name, and a case of Nam Pat stored under Tha Pla's 5303 stays in Tha
 * Pla's cell until its code is fixed.
 *
 * The code is re-derived from the Thai name stored with it, which was never wrong (the package's
 * mistakes were codes and English names): every update is conditional on the province code and the
 * Thai district name, and on the stored value differing from the directory's. So it is idempotent (a
 * second run changes nothing), needs no record of having run, and several instances starting at
 * once only write the same values. It runs at start, before the service listens, until it has
 * completed once for this version of the corrections (a marker in `migrations`): a start after that
 * costs one read by `_id`, however many cases the provinces concerned hold.
 *
 * A subdistrict stored in a corrected district that the corrected directory no longer lists there
 * (the package listed Tha Pla's and Nam Pat's subdistricts under both) keeps its Thai name but loses
 * its code: which of the two the family meant cannot be told from the record.
 *
 * Collections are named, not imported as models: the geo room stays below cases, campaigns and
 * volunteers (test/architecture).
 */

/** How many records of each collection were rewritten. */
export type PlaceMigrationResult = { cases: number; campaigns: number; volunteers: number };

/** The districts whose stored places may be stale: the corrected ones and the parents they left. */
const PARENTS_OF_SPLITS = ['53|ท่าปลา', '50|แม่แจ่ม'];

function affectedDistricts(directory: AddressDirectory): District[] {
  return [...Object.keys(DISTRICT_FIXES), ...PARENTS_OF_SPLITS].flatMap((key) => {
    const [provinceCode, nameTh] = key.split('|') as [string, string];
    const found = directory.province(provinceCode)?.districts.find((d) => d.nameTh === nameTh);
    return found ? [found] : [];
  });
}

/** A place as cases (`location.resolved`), campaigns (`area`) and volunteers' areas store it. */
type StoredPlace = {
  provinceCode?: string;
  provinceEn?: string;
  district?: string;
  districtCode?: string;
  districtEn?: string;
  subdistrict?: string;
  subdistrictCode?: string;
};
type Change = { set: Record<string, string>; unset: string[] };

/** What a stored place lacks of the corrected directory, or undefined when it is in line. */
function changeOf(place: StoredPlace, byKey: Map<string, District>): Change | undefined {
  const change: Change = { set: {}, unset: [] };
  const provinceEn = place.provinceCode ? PROVINCE_NAME_FIXES[place.provinceCode]?.nameEn : undefined;
  if (provinceEn && place.provinceEn !== provinceEn) change.set.provinceEn = provinceEn;
  const district = place.district ? byKey.get(`${place.provinceCode}|${place.district}`) : undefined;
  if (district) {
    if (district.code && place.districtCode !== district.code) change.set.districtCode = district.code;
    if (place.districtEn !== district.nameEn) change.set.districtEn = district.nameEn;
    if (place.subdistrict) {
      const subdistrict = district.subdistricts.find((s) => s.nameTh === place.subdistrict);
      if (subdistrict?.code && place.subdistrictCode !== subdistrict.code) {
        change.set.subdistrictCode = subdistrict.code;
      } else if (!subdistrict && place.subdistrictCode) change.unset.push('subdistrictCode');
    }
  }
  return Object.keys(change.set).length > 0 || change.unset.length > 0 ? change : undefined;
}

/**
 * One read of the records in the corrected provinces (indexed for cases), then a write for each record
 * that is out of line, conditional on the Thai names it was read with.
 */
async function realignEmbedded(
  connection: Connection,
  collection: string,
  at: 'location.resolved' | 'area',
  byKey: Map<string, District>,
  provinces: string[],
): Promise<number> {
  const records = connection.collection<{ _id: string } & Record<string, unknown>>(collection);
  const placeOf = (record: Record<string, unknown>) =>
    (at === 'area' ? record.area : (record.location as { resolved?: unknown } | undefined)?.resolved) as
      StoredPlace | undefined;
  let modified = 0;
  for await (const record of records.find(
    { [`${at}.provinceCode`]: { $in: provinces } },
    { projection: { [at]: 1 } },
  )) {
    const place = placeOf(record);
    const change = place && changeOf(place, byKey);
    if (!place || !change) continue;
    const prefix = <T>(fields: Record<string, T>): Record<string, T> =>
      Object.fromEntries(Object.entries(fields).map(([key, value]) => [`${at}.${key}`, value]));
    const result = await records.updateOne(
      { _id: record._id, ...prefix<unknown>({ provinceCode: place.provinceCode, district: place.district }) },
      {
        ...(Object.keys(change.set).length > 0 ? { $set: prefix(change.set) } : {}),
        ...(change.unset.length > 0
          ? { $unset: prefix(Object.fromEntries(change.unset.map((f) => [f, '' as const]))) }
          : {}),
      },
    );
    modified += result.modifiedCount;
  }
  return modified;
}

type StoredArea = StoredPlace & { provinceCode: string };

/** A volunteer's areas are an array: each registration is rewritten whole, only when one of its areas changes. */
async function realignVolunteerAreas(
  connection: Connection,
  byKey: Map<string, District>,
  provinces: string[],
): Promise<number> {
  const volunteers = connection.collection<{ _id: string; areas: StoredArea[] }>('volunteers');
  let modified = 0;
  for await (const volunteer of volunteers.find(
    { 'areas.provinceCode': { $in: provinces } },
    { projection: { areas: 1 } },
  )) {
    const areas = volunteer.areas.map((area) => {
      const change = changeOf(area, byKey);
      return change ? { ...area, ...change.set } : area;
    });
    if (JSON.stringify(areas) === JSON.stringify(volunteer.areas)) continue;
    const result = await volunteers.updateOne(
      { _id: volunteer._id, areas: volunteer.areas },
      { $set: { areas } },
    );
    modified += result.modifiedCount;
  }
  return modified;
}

export async function realignStoredPlaces(
  connection: Connection,
  directory: AddressDirectory,
): Promise<PlaceMigrationResult> {
  const districts = affectedDistricts(directory);
  const byKey = new Map(districts.map((d) => [`${d.provinceCode}|${d.nameTh}`, d]));
  const provinces = [
    ...new Set([...districts.map((d) => d.provinceCode), ...Object.keys(PROVINCE_NAME_FIXES)]),
  ];
  return {
    cases: await realignEmbedded(connection, 'cases', 'location.resolved', byKey, provinces),
    campaigns: await realignEmbedded(connection, 'campaigns', 'area', byKey, provinces),
    volunteers: await realignVolunteerAreas(connection, byKey, provinces),
  };
}

/** Changes with the corrections table, so that a later correction runs the realignment again. */
const MARKER = `directory-corrections:${createHash('sha256')
  .update(JSON.stringify([DISTRICT_FIXES, PROVINCE_NAME_FIXES, PARENTS_OF_SPLITS]))
  .digest('hex')
  .slice(0, 16)}`;

/**
 * `realignStoredPlaces` once per version of the corrections: instances starting together may both
 * run it (it is idempotent); the marker is written only after it completed.
 */
export async function realignStoredPlacesOnce(
  connection: Connection,
  directory: AddressDirectory,
): Promise<PlaceMigrationResult | 'done before'> {
  const migrations = connection.db!.collection<{ _id: string; at: Date }>('migrations');
  if (await migrations.findOne({ _id: MARKER })) return 'done before';
  const result = await realignStoredPlaces(connection, directory);
  await migrations.updateOne({ _id: MARKER }, { $setOnInsert: { at: new Date() } }, { upsert: true });
  return result;
}
