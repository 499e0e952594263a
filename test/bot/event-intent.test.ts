import { buildEvent, newUserId } from '../../src/line-emulator/webhook-client';
import { intentOf } from '../../src/bot/event-input';
import type { LineEvent } from '../../src/ingestion/line-event';

describe('which events the bot acts on', () => {
  it('acts on active events only: standby and modes LINE may add later are left to another channel', () => {
    const event = buildEvent.text({ userId: newUserId(), text: 'hello' }) as LineEvent;
    expect(intentOf(event).kind).not.toBe('ignore');
    expect(intentOf({ ...event, mode: 'standby' })).toMatchObject({ kind: 'ignore' });
    // A mode the SDK does not know yet: LINE may add one.
    expect(intentOf({ ...event, mode: 'observer' } as unknown as LineEvent)).toMatchObject({
      kind: 'ignore',
    });
  });
});
