import { contentOf, lineMessages, messageLanguage } from '../../src/broadcasts/content';
import { planQuota } from '../../src/broadcasts/quota';

const reserve = { reservePercent: 10, reserveMinimum: 50 };

test('the reserve for status updates and queued updates come off what broadcasts may spend', () => {
  const plan = planQuota(
    { monthlyQuota: 15_000, usedThisMonth: 10_000, pendingStatusUpdates: 20 },
    3_000,
    reserve,
  );
  expect(plan).toMatchObject({ reserve: 1_500, availableForBroadcasts: 3_480, fits: true });
  expect(
    planQuota({ monthlyQuota: 300, usedThisMonth: 0, pendingStatusUpdates: 0 }, 260, reserve),
  ).toMatchObject({
    reserve: 50,
    availableForBroadcasts: 250,
    fits: false,
  });
  expect(
    planQuota({ monthlyQuota: null, usedThisMonth: 99, pendingStatusUpdates: 0 }, 1e6, reserve),
  ).toMatchObject({
    limited: false,
    fits: true,
  });
});

test('each recipient gets their language, or Thai when it has no text', () => {
  const content = contentOf({
    messages: { th: 'สวัสดี', en: 'Hello' },
    images: { th: 'https://x.example/a.png' },
  });
  const languages = Object.keys(content);
  expect(messageLanguage('en', languages)).toBe('en');
  expect(messageLanguage('hmn', languages)).toBe('th');
  expect(messageLanguage(null, languages)).toBe('th');
  expect(lineMessages(content.en!)).toEqual([
    { type: 'text', text: 'Hello' },
    {
      type: 'image',
      originalContentUrl: 'https://x.example/a.png',
      previewImageUrl: 'https://x.example/a.png',
    },
  ]);
});
