import type { CaseCategory } from '../cases/case-schema';

/**
 * Made-up people for the demo: Thai names, and Hmong names as Hmong families at Khao Kho write them
 * in Thai script (clan names with แซ่). Phones are in 080-000-xxxx, which no one is given.
 */
const THAI_GIVEN = [
  'สมศรี',
  'บุญมี',
  'ประยูร',
  'สุดา',
  'วันเพ็ญ',
  'สมชาย',
  'ทองใบ',
  'มาลี',
  'คำปุ่น',
  'จันทร์เพ็ญ',
  'สายทอง',
  'บัวผัน',
];
const THAI_FAMILY = ['ใจดี', 'แสงทอง', 'ศรีสุข', 'บุญมา', 'คำแก้ว', 'ทองดี', 'อินทร์แก้ว', 'พรมมา', 'สีดา', 'วงศ์ใหญ่'];
const HMONG_GIVEN = ['เปา', 'หนูจุ่ย', 'ซัว', 'จ๊ะ', 'ปลา', 'ลี', 'เย้ง', 'ชัว', 'หมี', 'ป๋อ', 'ไซ', 'หน่อ'];
const HMONG_CLAN = ['แซ่ย่าง', 'แซ่ว่าง', 'แซ่ลี', 'แซ่ท้าว', 'แซ่เฒ่า', 'แซ่จ๋าว', 'แซ่หาง', 'แซ่โซ้ง', 'แซ่มัว', 'แซ่เล่า'];

export type Random = () => number;
export const pick = <T>(random: Random, list: readonly T[]): T => list[Math.floor(random() * list.length)]!;

export function personName(random: Random, hmong: boolean): string {
  const title = random() < 0.55 ? 'นาง' : 'นาย';
  return hmong
    ? `${title}${pick(random, HMONG_GIVEN)} ${pick(random, HMONG_CLAN)}`
    : `${title}${pick(random, THAI_GIVEN)} ${pick(random, THAI_FAMILY)}`;
}

export const demoPhone = (n: number) => `080000${String(n % 10000).padStart(4, '0')}`;

/** What people write about each kind of need, in the language they chose. */
const DESCRIPTIONS: Record<CaseCategory, { th: string; hmn: string; en: string }> = {
  roof: {
    th: 'หลังคารั่ว ฝนตกน้ำเข้าบ้าน สังกะสีผุหลายแผ่น',
    hmn: 'Ru tsev xau, los nag dej nkag tsev.',
    en: 'The roof leaks; rain comes into the house.',
  },
  walls: {
    th: 'ผนังไม้ผุ ลมหนาวเข้า เด็กนอนไม่ได้',
    hmn: 'Phab ntsa ntoo lwj, cua txias nkag los.',
    en: 'The wooden walls are rotten and the cold wind comes in.',
  },
  floor: {
    th: 'พื้นไม้ผุ ผู้สูงอายุเดินแล้วเกือบล้ม',
    hmn: 'Hauv pem teb ntoo lwj, neeg laus yuav ntog.',
    en: 'The floor boards are rotten; grandmother nearly fell.',
  },
  toilet: {
    th: 'ไม่มีห้องน้ำ ต้องไปใช้ของเพื่อนบ้าน',
    hmn: 'Tsis muaj chav dej, yuav tsum mus siv neeg zej zog li.',
    en: 'No toilet; we use the neighbours’.',
  },
  electricity: {
    th: 'ไฟฟ้าในบ้านช็อตบ่อย สายไฟเก่ามาก',
    hmn: 'Hluav taws xob hauv tsev feem ntau luv, hlua qub heev.',
    en: 'The wiring is old and sparks often.',
  },
  water: {
    th: 'ไม่มีถังเก็บน้ำ หน้าแล้งขาดน้ำ',
    hmn: 'Tsis muaj thoob rau dej, lub caij qhuav tsis muaj dej.',
    en: 'No water tank; no water in the dry season.',
  },
  unsafe_or_no_home: {
    th: 'อยู่เพิงชั่วคราว ไม่มีบ้านถาวร',
    hmn: 'Nyob hauv tsev pheeb suab ib ntus, tsis muaj tsev ruaj khov.',
    en: 'We live in a temporary shelter, with no permanent home.',
  },
  disaster_damage: {
    th: 'พายุพัดหลังคาบ้านปลิวไปครึ่งหนึ่ง',
    hmn: 'Cua daj cua dub tshuab ru tsev ya mus ib nrab.',
    en: 'A storm blew half of the roof away.',
  },
  adaptation: {
    th: 'ผู้สูงอายุใช้รถเข็น ต้องการทางลาดและราวจับ',
    hmn: 'Neeg laus siv lub rooj zaum muaj log, xav tau txoj kev nqes thiab tes tuav.',
    en: 'Grandfather uses a wheelchair; we need a ramp and handrails.',
  },
  other: {
    th: 'ต้องการคำแนะนำเรื่องซ่อมบ้าน',
    hmn: 'Xav tau lus qhia txog kev kho tsev.',
    en: 'We would like advice on repairing the house.',
  },
};

export const describeNeed = (category: CaseCategory, language: string) =>
  DESCRIPTIONS[category][language === 'hmn' ? 'hmn' : language === 'en' ? 'en' : 'th'];

/** How often each kind of need is reported in the demo (roofs lead, as in the highlands). */
export const CATEGORY_WEIGHTS: [CaseCategory, number][] = [
  ['roof', 30],
  ['walls', 14],
  ['floor', 8],
  ['toilet', 12],
  ['electricity', 5],
  ['water', 8],
  ['unsafe_or_no_home', 10],
  ['disaster_damage', 6],
  ['adaptation', 5],
  ['other', 2],
];

export function weighted<T>(random: Random, entries: readonly (readonly [T, number])[]): T {
  const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
  let left = random() * total;
  for (const [value, weight] of entries) {
    left -= weight;
    if (left < 0) return value;
  }
  return entries.at(-1)![0];
}
