import type { messagingApi } from '@line/bot-sdk';
import { renderMessages, type OutMessage } from '../../src/conversation';
import { allFlows } from '../../flows';
import { clip } from '../../src/conversation/render';
import { lookupKey } from '../../src/conversation/text';
import { resources, translator } from './harness';

describe('renderMessages', () => {
  it('puts quick replies on the last message only, with clipped labels and the label as display text', async () => {
    const { t } = await translator();
    const messages: OutMessage[] = [
      {
        kind: 'text',
        text: { key: 'bot:cancel.done' },
        quickReplies: [{ label: { key: 'bot:reply.menu' }, action: { type: 'postback', data: 'cmd:menu' } }],
      },
      {
        kind: 'text',
        text: { key: 'bot:reask.number_range', params: { min: 1, max: 30 } },
        quickReplies: [
          {
            label: { literal: 'Hmoob Dawb thiab Moob Leeg' },
            emoji: '♿',
            action: { type: 'postback', data: 'lang:hmn' },
          },
          { label: { key: 'bot:reply.camera' }, action: { type: 'camera' } },
        ],
      },
    ];
    const [first, second] = renderMessages(messages, t, 'th') as messagingApi.TextMessage[];
    expect(first).toEqual({ type: 'text', text: 'ยกเลิกแล้ว ข้อมูลที่เริ่มกรอกไว้ไม่ได้ถูกเก็บ' });
    expect(second!.text).toBe('ตัวเลขต้องอยู่ระหว่าง 1 ถึง 30');
    const [adaptation, camera] = second!.quickReply!.items ?? [];
    expect(adaptation!.action).toEqual({
      type: 'postback',
      label: '♿ Hmoob Dawb thiab …',
      data: 'lang:hmn',
      displayText: 'Hmoob Dawb thiab Moob Leeg',
    });
    expect(adaptation!.action!.label!.length).toBe(20);
    expect(camera!.action).toEqual({ type: 'camera', label: 'ถ่ายรูป' });
  });

  it('never splits a surrogate pair when clipping', () => {
    expect(clip('🏠🏠🏠🏠🏠🏠🏠🏠🏠🏠🏠🏠', 20)).toBe('🏠🏠🏠🏠🏠🏠🏠🏠🏠…');
  });

  it('renders the case reference card with the date in the Buddhist Era', async () => {
    const { t } = await translator();
    const [card] = renderMessages(
      [{ kind: 'caseCreated', reference: 'NL-2568-000123', createdAt: '2025-01-15T03:00:00.000Z' }],
      t,
      'th',
    );
    expect(card).toMatchObject({ type: 'flex', altText: 'ได้รับเรื่องแล้ว: NL-2568-000123 (15 มกราคม 2568)' });
    expect(JSON.stringify(card)).toContain('วันที่ 15 มกราคม 2568');
  });

  it('keeps the summary alt text within LINE limits and offers an edit for each answer', async () => {
    const { t } = await translator();
    const long = 'ก'.repeat(3000);
    const [summary] = renderMessages(
      [
        {
          kind: 'summary',
          title: { key: 'flows:report_need.summary' },
          confirmData: 'a:summary:confirm',
          rows: [
            {
              field: 'description',
              label: { key: 'flows:report_need.description.label' },
              value: { kind: 'text', text: long },
              editData: 'edit:description',
            },
            {
              field: 'phone',
              label: { key: 'flows:report_need.phone.label' },
              value: null,
              editData: 'edit:phone',
            },
          ],
        },
      ],
      t,
      'en',
    ) as messagingApi.FlexMessage[];
    expect(summary!.altText.length).toBeLessThanOrEqual(1500);
    const json = JSON.stringify(summary);
    expect(json).toContain('"data":"edit:description"');
    expect(json).toContain('"data":"edit:phone"');
    expect(json).toContain('"data":"a:summary:confirm"');
    expect(json.length).toBeLessThan(30_000);
  });
});

describe('quick-reply labels', () => {
  it("fit LINE's 20 characters with their icon in every language, so none is clipped", async () => {
    const labels: Array<[string, string | undefined]> = [];
    for (const flow of allFlows) {
      for (const step of Object.values(flow.steps)) {
        if (step.kind === 'ask' && step.answer.type === 'choice') {
          for (const option of step.answer.options)
            labels.push([option.label, 'emoji' in option ? option.emoji : undefined]);
        }
      }
    }
    const replyKeys = Object.keys((resources.th!.bot as { reply: object }).reply).map(
      (key) => `bot:reply.${key}`,
    );
    for (const key of replyKeys) labels.push([key, '✖️']);
    const tooLong = Object.keys(resources).flatMap((language) =>
      labels
        .map(([key, emoji]) => `${emoji ?? ''} ${lookupKey(resources, language, key)}`)
        .filter((label) => label.length > 20)
        .map((label) => `${language}: ${label}`),
    );
    expect(tooLong).toEqual([]);
  });
});
