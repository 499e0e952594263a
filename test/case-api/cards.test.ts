import { statusCard } from '../../src/cases/status-cards';
import { createI18n } from '../../src/i18n';

describe('status cards', () => {
  it.each(['th', 'en', 'hmn'])(
    'offer a button to a person, never "reply to this message" (%s)',
    async (language) => {
      const i18n = createI18n('th');
      const t = i18n.t.bind(i18n);
      const card = statusCard(t, language, 'NL-2569-000001', {
        kind: 'status',
        status: 'visit_scheduled',
        rescheduled: false,
        visitDate: '2026-12-03',
      });
      const json = JSON.stringify(card);
      expect(json).toContain('"data":"cmd:staff"');
      expect(json).not.toMatch(/ตอบข้อความนี้|reply to this message|teb tsab ntawv no/);
      const button = (card.contents as { footer?: { contents: { action: { label: string } }[] } }).footer
        ?.contents[0];
      expect(button?.action.label.length).toBeLessThanOrEqual(20);
      if (language === 'th') expect(json).toContain('3 ธันวาคม 2569');
    },
  );
});
