import { createI18n } from '../../src/i18n';
import { pickLanguage, renderPage } from '../../src/sandbox/page';
import { timelineSince, type PersonEntry } from '../../src/sandbox/timeline';

describe('sandbox timeline', () => {
  const person = (at: string, text: string): PersonEntry => ({
    from: 'user',
    at,
    kind: 'message',
    message: { type: 'text', text },
    webhookStatus: 200,
  });
  const bot = (at: number, text: string) => ({ via: 'reply', at, message: { type: 'text', text } });

  it('merges both sides by time and moves the cursor past what was returned', () => {
    const t0 = Date.parse('2026-11-25T10:00:00.000Z');
    const people = [person('2026-11-25T10:00:00.000Z', 'hi')];
    const sent = [bot(t0, 'hello'), bot(t0 + 5, 'how can we help?')];
    const first = timelineSince(people, sent, undefined);
    // Same millisecond: the person's message, which caused the answer, stays first.
    expect(first.items.map((item) => (item.message as { text: string }).text)).toEqual([
      'hi',
      'hello',
      'how can we help?',
    ]);
    expect(first.cursor).toBe('1.2');
    expect(timelineSince(people, sent, first.cursor).items).toEqual([]);

    const later = timelineSince(
      [...people, person('2026-11-25T10:00:01.000Z', 'repair')],
      sent,
      first.cursor,
    );
    expect(later.items).toHaveLength(1);
    expect(later.cursor).toBe('2.2');
  });

  it('treats a malformed cursor as the start', () => {
    expect(timelineSince([], [bot(1, 'x')], 'garbage').items).toHaveLength(1);
  });
});

describe('sandbox page', () => {
  it('picks the language from ?lang=, then the browser, then Thai', () => {
    expect(pickLanguage('en', 'th-TH')).toBe('en');
    expect(pickLanguage(undefined, 'en-GB,en;q=0.9')).toBe('en');
    expect(pickLanguage('fr', 'de-DE')).toBe('th');
    expect(pickLanguage(['en'], undefined)).toBe('th');
  });

  it('escapes translations into the HTML and keeps the script strings intact', async () => {
    const i18n = createI18n('th', {
      th: { sandbox: { title: 'ทดสอบ', note: 'x {{n}}' } },
      en: { sandbox: { title: '<b>Test</b>' } },
    });
    const html = renderPage(
      '<h1>{{title}}</h1><script type="application/json">{{@strings}}</script>',
      i18n,
      'en',
    );
    expect(html).toContain('<h1>&lt;b&gt;Test&lt;/b&gt;</h1>');
    // English missing a key falls back to Thai; `<` cannot close the script block.
    expect(html).toContain('"note":"x {{n}}"');
    expect(html).toContain('"title":"\\u003cb>Test\\u003c/b>"');
  });
});
