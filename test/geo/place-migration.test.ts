import type { Database } from '../../src/db/connection';
import { loadAddressDirectory, type AddressDirectory } from '../../src/geo/address-directory';
import { realignStoredPlaces, realignStoredPlacesOnce } from '../../src/geo/place-migration';
import { dropTestDatabase, openTestDatabase } from '../helpers/db';

/** Places as the directory stored them before its corrections (thai-address-universal 2.2.0 as shipped). */
const namPatBefore = {
  province: 'อุตรดิตถ์',
  provinceEn: 'Uttaradit',
  provinceCode: '53',
  district: 'น้ำปาด',
  districtEn: 'Nam',
  districtCode: '5303',
  subdistrict: 'แสนตอ',
  subdistrictEn: 'Saen To',
};
const thaPla = {
  province: 'อุตรดิตถ์',
  provinceEn: 'Uttaradit',
  provinceCode: '53',
  district: 'ท่าปลา',
  districtEn: 'Tha Pla',
  districtCode: '5303',
};
const galyaniBefore = {
  province: 'เชียงใหม่',
  provinceEn: 'Chiang Mai',
  provinceCode: '50',
  district: 'กัลยาณิวัฒนา',
  districtEn: 'Kan La Ya Wi Nat Tha',
  districtCode: '5003',
  subdistrict: 'แม่แดด',
  subdistrictCode: '500309',
};
const maeChaemBefore = {
  province: 'เชียงใหม่',
  provinceEn: 'Chiang Mai',
  provinceCode: '50',
  district: 'แม่แจ่ม',
  districtEn: 'Mae Chaem',
  districtCode: '5003',
  subdistrict: 'บ้านจันทร์', // in Galyani Vadhana since 2009: the old list had it under both
  subdistrictCode: '500306',
};
const sekaBefore = {
  province: 'บึงกาฬ',
  provinceEn: 'Bueng Kan',
  provinceCode: '38',
  district: 'เซกา',
  districtEn: 'Seka',
};
const sathonBefore = {
  province: 'กรุงเทพมหานคร',
  provinceEn: 'Bangkok',
  provinceCode: '10',
  district: 'สาทร',
  districtEn: 'Satn',
  districtCode: '1028',
};
const korat = { province: 'นครราชสีมา', provinceEn: 'Nakhonratchasima', provinceCode: '30' };

let database: Database;
let directory: AddressDirectory;
beforeAll(async () => {
  database = await openTestDatabase('placemigration');
  directory = await loadAddressDirectory();
});
afterAll(() => dropTestDatabase(database));

type Stored = { _id: string; location: { resolved: Record<string, string> }; status: string; note: string };
const cases = () => database.connection.collection<Stored>('cases');
const resolvedOf = async (_id: string) => (await cases().findOne({ _id }))!.location.resolved;

describe('realigning stored places with the corrected directory (real database)', () => {
  beforeAll(async () => {
    const place = (resolved: Record<string, string>) => ({
      location: { resolved },
      status: 'new',
      note: 'untouched',
    });
    await cases().insertMany([
      { _id: 'nampat', ...place(namPatBefore) },
      { _id: 'thapla', ...place(thaPla) },
      { _id: 'galyani', ...place(galyaniBefore) },
      { _id: 'maechaem', ...place(maeChaemBefore) },
      { _id: 'seka', ...place(sekaBefore) },
      { _id: 'sathon', ...place(sathonBefore) },
      { _id: 'korat', ...place(korat) },
    ]);
    await database.connection.collection('campaigns').insertOne({
      _id: 'campaign' as never,
      name: 'Nam Pat survey',
      area: {
        province: 'อุตรดิตถ์',
        provinceEn: 'Uttaradit',
        provinceCode: '53',
        district: 'น้ำปาด',
        districtEn: 'Nam',
        districtCode: '5303',
      },
    });
    await database.connection.collection('volunteers').insertOne({
      _id: 'volunteer' as never,
      status: 'active',
      areas: [
        {
          provinceCode: '53',
          province: 'อุตรดิตถ์',
          provinceEn: 'Uttaradit',
          districtCode: '5303',
          district: 'น้ำปาด',
          districtEn: 'Nam',
        },
        { provinceCode: '50', province: 'เชียงใหม่', provinceEn: 'Chiang Mai' },
      ],
    });
  });

  it('moves each record to its district’s DOPA code and English name, keyed by the stored Thai name', async () => {
    const result = await realignStoredPlaces(database.connection, directory);
    expect(result).toEqual({ cases: 6, campaigns: 1, volunteers: 1 });

    expect(await resolvedOf('nampat')).toMatchObject({
      districtCode: '5304',
      districtEn: 'Nam Pat',
      subdistrictCode: '530401',
    });
    expect(await resolvedOf('thapla')).toEqual(thaPla);
    expect(await resolvedOf('galyani')).toMatchObject({
      districtCode: '5025',
      districtEn: 'Galyani Vadhana',
      subdistrictCode: '502502',
    });
    // Mae Chaem keeps its code; the subdistrict it no longer holds keeps its name but not a code.
    const maeChaem = await resolvedOf('maechaem');
    expect(maeChaem).toMatchObject({ districtCode: '5003', subdistrict: 'บ้านจันทร์' });
    expect(maeChaem.subdistrictCode).toBeUndefined();
    expect(await resolvedOf('seka')).toMatchObject({ districtCode: '3804', districtEn: 'Seka' });
    expect(await resolvedOf('sathon')).toMatchObject({ districtCode: '1028', districtEn: 'Sathon' });
    expect(await resolvedOf('korat')).toMatchObject({ provinceEn: 'Nakhon Ratchasima' });
    // Only the place fields are written.
    expect(await cases().findOne({ _id: 'nampat' })).toMatchObject({
      status: 'new',
      note: 'untouched',
    });

    const campaign = await database.connection.collection('campaigns').findOne({ _id: 'campaign' as never });
    expect(campaign?.area).toMatchObject({ districtCode: '5304', districtEn: 'Nam Pat' });
    const volunteer = await database.connection
      .collection('volunteers')
      .findOne({ _id: 'volunteer' as never });
    expect(volunteer?.areas).toEqual([
      {
        provinceCode: '53',
        province: 'อุตรดิตถ์',
        provinceEn: 'Uttaradit',
        districtCode: '5304',
        district: 'น้ำปาด',
        districtEn: 'Nam Pat',
      },
      { provinceCode: '50', province: 'เชียงใหม่', provinceEn: 'Chiang Mai' },
    ]);
  });

  it('is idempotent, and several instances may run it at once', async () => {
    const runs = await Promise.all([1, 2, 3].map(() => realignStoredPlaces(database.connection, directory)));
    expect(runs).toEqual([1, 2, 3].map(() => ({ cases: 0, campaigns: 0, volunteers: 0 })));
    expect(await resolvedOf('nampat')).toMatchObject({ districtCode: '5304', districtEn: 'Nam Pat' });
  });

  it('runs once per version of the corrections: a later start reads only its marker', async () => {
    // A record put out of line again is left alone once the marker is written (no scan at every start).
    await cases().updateOne({ _id: 'nampat' } as never, {
      $set: { 'location.resolved.districtCode': '5303' },
    });
    const first = await realignStoredPlacesOnce(database.connection, directory);
    expect(first).toEqual({ cases: 1, campaigns: 0, volunteers: 0 });
    expect(await realignStoredPlacesOnce(database.connection, directory)).toBe('done before');
    await cases().updateOne({ _id: 'nampat' } as never, {
      $set: { 'location.resolved.districtCode': '5303' },
    });
    expect(await realignStoredPlacesOnce(database.connection, directory)).toBe('done before');
    expect(await resolvedOf('nampat')).toMatchObject({ districtCode: '5303' });
  });
});
