import { TIMEOUT_EVENT_TYPE } from '../ingestion/event-handler';
import { storeEvents } from '../ingestion/inbox';
import type { IngestionModels } from '../ingestion/models';

/**
 * For the scheduled job: a chat whose `wakeAt` has come gets a synthetic timeout event, processed
 * in order with the user's own events. Its id is fixed per chat and wake time, so two instances
 * (or two ticks) store it once.
 */
export async function enqueueDueTimeouts(models: IngestionModels, now: Date, limit = 500): Promise<string[]> {
  const due = await models.Chat.find({ wakeAt: { $lte: now } }, { _id: 1, wakeAt: 1 }, { limit, lean: true });
  const chatKeys: string[] = [];
  for (const chat of due) {
    const userId = chat._id.startsWith('user:') ? chat._id.slice('user:'.length) : undefined;
    if (!userId || !chat.wakeAt) continue;
    const event = {
      type: TIMEOUT_EVENT_TYPE,
      timestamp: chat.wakeAt.getTime(),
      mode: 'active',
      source: { type: 'user', userId },
    };
    const [outcome] = await storeEvents(
      models,
      [
        {
          id: `timeout:${chat._id}:${chat.wakeAt.getTime()}`,
          chatKey: chat._id,
          userId,
          type: TIMEOUT_EVENT_TYPE,
          timestamp: event.timestamp,
          payload: JSON.stringify(event),
        },
      ],
      now,
    );
    if (outcome === 'accepted') chatKeys.push(chat._id);
  }
  return chatKeys;
}
