import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CASE_STATUSES } from '../../src/cases/case-schema';
import { updateMessages } from '../../src/cases/updates/pending';
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

/**
 * Golden cards: every status card, a moved visit, a decline with its reason, the completion with
 * its rating buttons, and a carousel of several cases' news, per language. Read them in review as
 * what reporters see; re-generate with `UPDATE_GOLDEN=1 npx jest test/case-api/cards.test.ts`.
 */
describe('golden status cards', () => {
  const UPDATE = process.env.UPDATE_GOLDEN === '1';
  const dir = path.join(__dirname, 'golden');

  it.each(['th', 'en', 'hmn'])('%s', async (language) => {
    const i18n = await createI18n('th');
    const t = i18n.t.bind(i18n);
    const reference = 'NL-2569-000001';
    const cards = Object.fromEntries(
      CASE_STATUSES.map((status) => [
        status,
        statusCard(t, language, reference, {
          kind: 'status',
          status,
          ...(status === 'visit_scheduled' ? { visitDate: '2026-12-03' } : {}),
          ...(status === 'declined' ? { reason: 'นอกพื้นที่ / outside our area' } : {}),
          ...(status === 'duplicate' ? { other: 'NL-2569-000002' } : {}),
        }),
      ]),
    );
    cards.rescheduled = statusCard(t, language, reference, {
      kind: 'status',
      status: 'visit_scheduled',
      rescheduled: true,
      visitDate: '2026-12-10',
    });
    const news = (n: number) => ({
      reference: `NL-2569-00000${n}`,
      subject: { kind: 'status' as const, status: 'approved' as const },
    });
    const carousel = updateMessages(t, language, [1, 2, 3, 4, 5, 6].map(news), [], 5);
    const golden = { cards, carousel };
    const file = path.join(dir, `status-cards-${language}.json`);
    if (UPDATE || !existsSync(file)) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(file, `${JSON.stringify(golden, null, 2)}\n`);
    }
    expect(golden).toEqual(JSON.parse(readFileSync(file, 'utf8')));
    expect(carousel).toHaveLength(1);
  });
});
