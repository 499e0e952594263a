import { feedbackStep, joinChatState, splitChatState } from '../../src/feedback/step';
import type { FeedbackDeps } from '../../src/feedback/feedback';

const wait = { feedbackId: 'NL-2026-000001:U1', reference: 'NL-2026-000001', until: '2099-01-01T00:00:00Z' };
const who = { userId: 'U1', language: 'en', at: new Date('2026-12-04T00:00:00Z') };
// Inputs that are not feedback never reach the database.
const noDatabase = {} as FeedbackDeps;

describe('feedback, the step before the engine', () => {
  it('keeps its own slot in the chat state, and reads chats of earlier versions', () => {
    expect(splitChatState({ language: 'th', commentWait: wait })).toEqual({
      engine: { language: 'th' },
      feedback: { commentWait: wait },
    });
    const joined = joinChatState({ language: 'th' }, { commentWait: wait });
    expect(joined).toEqual({ language: 'th', feedback: { commentWait: wait } });
    expect(splitChatState(joined)).toEqual({ engine: { language: 'th' }, feedback: { commentWait: wait } });
    expect(joinChatState({ language: 'th' }, {})).toEqual({ language: 'th' });
  });

  it('leaves other input to the engine: a reminder tick keeps an awaited comment, anything else drops it', async () => {
    expect(await feedbackStep(noDatabase, { kind: 'timeout' }, { commentWait: wait }, who)).toEqual({
      slot: { commentWait: wait },
    });
    expect(
      await feedbackStep(noDatabase, { kind: 'postback', data: 'cmd:menu' }, { commentWait: wait }, who),
    ).toEqual({
      slot: {},
    });
  });
});
