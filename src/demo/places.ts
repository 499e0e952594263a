/**
 * Where the demo's generated households are: districts with highland communities, Khao Kho
 * (Phetchabun) the densest as in the partnership's first year. Points are near each district's
 * town, approximate, for a map that looks like a service at work; they are no one's home.
 */
export type DemoPlace = {
  provinceCode: string;
  /** The district as people type it; the address directory gives its code. */
  district: string;
  lat: number;
  lng: number;
  /** Relative share of the cases. */
  weight: number;
  /** Mostly Hmong communities: more reports in Hmong, Hmong family names. */
  hmong: boolean;
};

export const DEMO_PLACES: DemoPlace[] = [
  { provinceCode: '67', district: 'เขาค้อ', lat: 16.645, lng: 100.985, weight: 40, hmong: true },
  { provinceCode: '67', district: 'หล่มเก่า', lat: 16.885, lng: 101.23, weight: 10, hmong: true },
  { provinceCode: '67', district: 'หล่มสัก', lat: 16.78, lng: 101.245, weight: 9, hmong: false },
  { provinceCode: '67', district: 'เมืองเพชรบูรณ์', lat: 16.42, lng: 101.16, weight: 8, hmong: false },
  { provinceCode: '67', district: 'น้ำหนาว', lat: 16.74, lng: 101.57, weight: 5, hmong: false },
  { provinceCode: '63', district: 'แม่สอด', lat: 16.715, lng: 98.575, weight: 6, hmong: false },
  { provinceCode: '63', district: 'พบพระ', lat: 16.385, lng: 98.69, weight: 4, hmong: true },
  { provinceCode: '50', district: 'แม่แจ่ม', lat: 18.495, lng: 98.36, weight: 4, hmong: true },
  { provinceCode: '55', district: 'บ่อเกลือ', lat: 19.15, lng: 101.16, weight: 3, hmong: true },
  { provinceCode: '42', district: 'ภูเรือ', lat: 17.45, lng: 101.35, weight: 3, hmong: false },
  { provinceCode: '65', district: 'นครไทย', lat: 17.1, lng: 100.835, weight: 3, hmong: true },
  // Rare on purpose: the public page shows it as "fewer than 5".
  { provinceCode: '57', district: 'แม่ฟ้าหลวง', lat: 20.27, lng: 99.68, weight: 0.6, hmong: true },
];
