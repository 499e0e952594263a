import { postbackData, readPostback } from '../../src/conversation/postback';

describe('postback data', () => {
  it('reads back what it writes, for every kind of button', () => {
    const ref = 'NL-2026-000123';
    expect(readPostback(postbackData.command('menu'))).toEqual({ kind: 'command', command: 'menu' });
    expect(readPostback(postbackData.flow('report-need'))).toEqual({ kind: 'flow', flowId: 'report-need' });
    expect(readPostback(postbackData.language('hmn'))).toEqual({ kind: 'language', language: 'hmn' });
    expect(readPostback(postbackData.resume('restart'))).toEqual({ kind: 'resume', choice: 'restart' });
    expect(readPostback(postbackData.edit('phone'))).toEqual({ kind: 'edit', field: 'phone' });
    expect(readPostback(postbackData.answer('roof_state', 'leaks:a lot'))).toEqual({
      kind: 'answer',
      stepId: 'roof_state',
      value: 'leaks:a lot',
    });
    expect(readPostback(postbackData.case(ref, 'withdraw'))).toEqual({
      kind: 'case',
      reference: ref,
      action: 'withdraw',
    });
    expect(readPostback(postbackData.rate(ref, 4))).toEqual({ kind: 'rate', reference: ref, stars: 4 });
    expect(readPostback(postbackData.rateComment(ref))).toEqual({ kind: 'rateComment', reference: ref });
    expect(readPostback(postbackData.reopen(ref))).toEqual({ kind: 'reopen', reference: ref });
    expect(readPostback(postbackData.publish('withdraw', ref))).toEqual({
      kind: 'publish',
      answer: 'withdraw',
      reference: ref,
    });
    expect(readPostback(postbackData.richMenuSwitch('resident'))).toEqual({
      kind: 'richMenuSwitch',
      menu: 'resident',
    });
  });

  it('reads the buttons already sent in people’s chats, and nothing it never wrote', () => {
    expect(readPostback('a:category:roof')).toEqual({ kind: 'answer', stepId: 'category', value: 'roof' });
    expect(readPostback('cmd:launch')).toBeUndefined();
    expect(readPostback('rate:NL-2026-000123:9')).toBeUndefined();
    expect(readPostback('case:NL-2026-000123:delete')).toBeUndefined();
    expect(readPostback('publish:yes:NL-2026-000123')).toEqual({
      kind: 'publish',
      answer: 'yes',
      reference: 'NL-2026-000123',
    });
    expect(readPostback('publish:maybe:NL-2026-000123')).toBeUndefined();
    expect(readPostback('')).toBeUndefined();
  });
});
