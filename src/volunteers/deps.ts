import type { i18n } from 'i18next';
import type { Connection } from 'mongoose';
import type { LineApi } from '../line/line-api';
import type { Sender } from '../line/sender';
import type { Logger } from '../logger';

/** What the volunteer features need: the database, LINE (through the sender for messages), words. */
export type VolunteerDeps = {
  connection: Connection;
  lineApi: LineApi;
  sender: Sender;
  i18n: i18n;
  logger: Logger;
  clock?: () => Date;
};
