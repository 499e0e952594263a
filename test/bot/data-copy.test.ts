import type { i18n } from 'i18next';
import { CASES_IN_COPY, renderDataCopy, type CaseCopy, type DataCopy } from '../../src/privacy/my-data';
import { createI18n, loadResources } from '../../src/i18n';

const resources = loadResources();
const NOW = new Date('2025-01-15T03:00:00.000Z');

function aCase(n: number, description: string): CaseCopy {
  return {
    reference: `NL-2568-${String(n).padStart(6, '0')}`,
    status: 'new',
    category: 'roof',
    reportedBy: 'self',
    createdAt: new Date(NOW.getTime() - n * 3600_000),
    description,
    household: { headName: 'Somsri Jaidee', size: 4, phone: '081-234-5678', vulnerable: [], tenure: 'rent' },
    location: { lat: 16.65, lng: 101.13, resolved: { province: 'เพชรบูรณ์', provinceEn: 'Phetchabun' } },
    photos: 2,
    voiceNotes: 1,
  };
}

function aCopy(cases: CaseCopy[], totalCases = cases.length): DataCopy {
  return {
    displayName: 'สมศรี ใจดี',
    language: 'th',
    consents: [{ noticeVersion: '2025-01', sensitive: true, givenAt: NOW, withdrawnAt: null }],
    totalConsents: 1,
    volunteers: [],
    cases,
    totalCases,
  };
}

describe('renderDataCopy: the PDPA copy within LINE limits', () => {
  let i18next: i18n;
  beforeAll(async () => {
    i18next = createI18n('th', resources);
  });

  it('shows the data itself in Thai, with Buddhist Era dates', () => {
    const messages = renderDataCopy(
      aCopy([aCase(1, 'หลังคารั่วเวลาฝนตก')]),
      i18next.getFixedT('th'),
      'th',
      4,
      NOW,
    );
    expect(messages).toHaveLength(1);
    const text = messages[0]!.text;
    expect(text).toContain('สมศรี ใจดี');
    expect(text).toContain('ไทย');
    expect(text).toContain('2025-01');
    // 15 January 2025 is 15 มกราคม 2568 in the Buddhist Era.
    expect(text).toContain('15 มกราคม 2568');
    expect(text).not.toContain('2025 ');
    expect(text).toContain('NL-2568-000001');
    expect(text).toContain('หลังคารั่วเวลาฝนตก');
    expect(text).toContain('081-234-5678');
    expect(text).toContain('Somsri Jaidee');
    expect(text).toContain('เพชรบูรณ์');
    expect(text).toContain('16.65000, 101.13000');
    expect(text).toMatch(/รูปภาพ: 2 · ข้อความเสียง: 1/);
  });

  it.each([1, 2, 4])(
    'keeps to %i message(s) of at most 5,000 characters and counts what it leaves out',
    (room) => {
      const long = 'ฝนตก '.repeat(1000);
      const cases = Array.from({ length: CASES_IN_COPY }, (_, n) => aCase(n + 1, long));
      const messages = renderDataCopy(aCopy(cases, 14), i18next.getFixedT('en'), 'en', room, NOW);
      expect(messages.length).toBeLessThanOrEqual(room);
      for (const message of messages) expect(message.text.length).toBeLessThanOrEqual(5000);
      const text = messages.map((message) => message.text).join('\n');
      const shown = cases.filter((item) => text.includes(item.reference)).length;
      expect(shown).toBeGreaterThan(0);
      expect(text).toContain(`${14 - shown} older report(s) are not shown here.`);
    },
  );

  it('shows all ten most recent reports when they fit, and counts the older ones', () => {
    const cases = Array.from({ length: CASES_IN_COPY }, (_, n) => aCase(n + 1, 'Roof leaks'));
    const messages = renderDataCopy(aCopy(cases, 12), i18next.getFixedT('en'), 'en', 4, NOW);
    const text = messages.map((message) => message.text).join('\n');
    for (const item of cases) expect(text).toContain(item.reference);
    expect(text).toContain('2 older report(s) are not shown here.');
  });

  it('says when nothing is stored, in Hmong', () => {
    const copy: DataCopy = {
      language: 'hmn',
      consents: [],
      totalConsents: 0,
      volunteers: [],
      cases: [],
      totalCases: 0,
    };
    const [only, ...rest] = renderDataCopy(copy, i18next.getFixedT('hmn'), 'hmn', 4, NOW);
    expect(rest).toEqual([]);
    expect(only!.text).toContain('15/1/2568');
    const hmn = (resources.hmn!.line as { my_data: Record<string, string> }).my_data;
    expect(only!.text).toContain(hmn.display_name_none);
    expect(only!.text).toContain(hmn.consents_none);
    expect(only!.text).toContain(hmn.cases_none);
  });
});
