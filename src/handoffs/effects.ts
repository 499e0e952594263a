import type { EffectHandlers } from '../conversation/effects';
import type { HandoffModel } from './model';

/** A person asks for staff, or goes back to the bot. */
export function handoffEffects(handoffs: HandoffModel): Pick<EffectHandlers, 'handoff' | 'endHandoff'> {
  return {
    async handoff(effect, { userId }) {
      await handoffs.updateOne(
        { _id: userId },
        { $set: { status: 'open', since: new Date(effect.since) }, $unset: { closedAt: '', closedBy: '' } },
        { upsert: true },
      );
    },
    async endHandoff(effect, { userId }) {
      await handoffs.updateOne(
        { _id: userId },
        { $set: { status: 'closed', closedAt: new Date(effect.at) } },
      );
    },
  };
}
