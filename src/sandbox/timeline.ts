/** What the person did in the chat page; LINE's record of the bot's side lives in the emulator. */
export type PersonEntry = {
  from: 'user';
  at: string;
  /** The LINE message the person sent, or what the chat shows for a tap, a follow or a block. */
  kind: 'message' | 'postback' | 'follow' | 'unfollow';
  message?: Record<string, unknown>;
  displayText?: string;
  /** HTTP status of the webhook call; 0 when it could not be reached, null while under way. */
  webhookStatus: number | null;
};

export type BotEntry = {
  from: 'bot';
  at: string;
  via: string;
  message: unknown;
};

export type TimelineEntry = PersonEntry | BotEntry;

export type BotMessage = { via: string; message: unknown; at: unknown };

/**
 * Entries after a cursor, oldest first. The cursor counts what the page has seen on each side
 * ("person.bot"), so two entries in the same millisecond are never skipped.
 */
export function timelineSince(
  person: readonly PersonEntry[],
  bot: readonly BotMessage[],
  after: string | undefined,
): { items: TimelineEntry[]; cursor: string } {
  const [seenPerson, seenBot] = parseCursor(after);
  const items: TimelineEntry[] = [
    ...person.slice(seenPerson),
    ...bot
      .slice(seenBot)
      .map((sent): BotEntry => ({ from: 'bot', at: toIso(sent.at), via: sent.via, message: sent.message })),
  ];
  // A stable sort keeps each side's own order when times tie.
  items.sort((a, b) => a.at.localeCompare(b.at));
  return { items, cursor: `${person.length}.${bot.length}` };
}

function parseCursor(after: string | undefined): [number, number] {
  const match = /^(\d{1,9})\.(\d{1,9})$/.exec(after ?? '');
  return match ? [Number(match[1]), Number(match[2])] : [0, 0];
}

function toIso(at: unknown): string {
  const date = at instanceof Date ? at : new Date(typeof at === 'number' || typeof at === 'string' ? at : 0);
  return Number.isNaN(date.getTime()) ? new Date(0).toISOString() : date.toISOString();
}
