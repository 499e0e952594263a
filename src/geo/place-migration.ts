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
 * second run matches nothing), needs no record of having run, and several instances starting at
 * once only write the same values. It runs at every start, before the service listens; once done it
 * costs a few indexed-by-nothing reads of the handful of corrected districts.
 *
 * A subdistrict stored in a corrected district that the corrected directory no longer lists there
 * (the package listed Tha Pla's and Nam Pat's subdistricts under both) keeps its Thai name but loses
 * its code: which of the two the family meant cannot be told from the record.
 *
 * Collections are named, not imported as models: the geo room stays below cases, campaigns and
 * volunteers (test/architecture).
 */

/** How many writes each collection took (a record may take two: its district, then its subdistrict). */
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

type Updates = { filter: Record<string, unknown>; update: Record<string, unknown> }[];

/** The conditional updates for one embedded place, its fields under `at` ('location.resolved.', 'area.'). */
function placeUpdates(at: string, districts: District[]): Updates {
  const updates: Updates = [];
  for (const [provinceCode, { nameEn }] of Object.entries(PROVINCE_NAME_FIXES)) {
    updates.push({
      filter: { [`${at}provinceCode`]: provinceCode, [`${at}provinceEn`]: { $ne: nameEn } },
      update: { $set: { [`${at}provinceEn`]: nameEn } },
    });
  }
  for (const district of districts) {
    const base = { [`${at}provinceCode`]: district.provinceCode, [`${at}district`]: district.nameTh };
    updates.push({
      filter: {
        ...base,
        $or: [
          { [`${at}districtCode`]: { $ne: district.code } },
          { [`${at}districtEn`]: { $ne: district.nameEn } },
        ],
      },
      update: { $set: { [`${at}districtCode`]: district.code, [`${at}districtEn`]: district.nameEn } },
    });
    for (const subdistrict of district.subdistricts) {
      if (!subdistrict.code) continue;
      updates.push({
        filter: {
          ...base,
          [`${at}subdistrict`]: subdistrict.nameTh,
          [`${at}subdistrictCode`]: { $ne: subdistrict.code },
        },
        update: { $set: { [`${at}subdistrictCode`]: subdistrict.code } },
      });
    }
    updates.push({
      filter: {
        ...base,
        [`${at}subdistrict`]: { $nin: district.subdistricts.map((s) => s.nameTh) },
        [`${at}subdistrictCode`]: { $exists: true },
      },
      update: { $unset: { [`${at}subdistrictCode`]: '' } },
    });
  }
  return updates;
}

async function applyUpdates(connection: Connection, collection: string, updates: Updates): Promise<number> {
  let modified = 0;
  for (const { filter, update } of updates) {
    modified += (await connection.collection(collection).updateMany(filter, update)).modifiedCount;
  }
  return modified;
}

type StoredArea = {
  provinceCode: string;
  provinceEn?: string;
  district?: string;
  districtCode?: string;
  districtEn?: string;
};

/** A volunteer's areas are an array: each registration is rewritten whole, only when one of its areas changes. */
async function realignVolunteerAreas(connection: Connection, districts: District[]): Promise<number> {
  const byKey = new Map(districts.map((d) => [`${d.provinceCode}|${d.nameTh}`, d]));
  const provinces = [
    ...new Set([...districts.map((d) => d.provinceCode), ...Object.keys(PROVINCE_NAME_FIXES)]),
  ];
  const volunteers = connection.collection<{ _id: string; areas: StoredArea[] }>('volunteers');
  let modified = 0;
  for await (const volunteer of volunteers.find(
    { 'areas.provinceCode': { $in: provinces } },
    { projection: { areas: 1 } },
  )) {
    const areas = volunteer.areas.map((area) => {
      const next = { ...area };
      const provinceEn = PROVINCE_NAME_FIXES[area.provinceCode]?.nameEn;
      if (provinceEn) next.provinceEn = provinceEn;
      const district = area.district ? byKey.get(`${area.provinceCode}|${area.district}`) : undefined;
      if (district) Object.assign(next, { districtCode: district.code, districtEn: district.nameEn });
      return next;
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
  return {
    cases: await applyUpdates(connection, 'cases', placeUpdates('location.resolved.', districts)),
    campaigns: await applyUpdates(connection, 'campaigns', placeUpdates('area.', districts)),
    volunteers: await realignVolunteerAreas(connection, districts),
  };
}
