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
  /**
   * Gives a volunteer the menu they should have now (the survey variant while a campaign they are
   * assigned to runs: src/campaigns/volunteer-menus.ts), from src/service.ts since campaigns sit above
   * volunteers. Without it an approval links the plain volunteer menu.
   */
  reconcileMenu?: (lineUserId: string) => Promise<unknown>;
};
