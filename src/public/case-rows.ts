import type { Connection } from 'mongoose';
import type { Case } from '../cases/case-schema';
import { caseModel } from '../cases/case-model';
import { publicationCutoff, type PublicCaseRow } from './aggregates';

/** Only what the public figures need: no name, phone, description, point or address is read. */
const PROJECTION = {
  _id: 0,
  reference: 1,
  reportedBy: 1,
  'reporter.lineUserId': 1,
  category: 1,
  status: 1,
  'location.resolved.provinceCode': 1,
  'location.resolved.districtCode': 1,
  'household.size': 1,
  createdAt: 1,
  completedAt: 1,
  visitDate: 1,
} as const;

type Projected = Pick<Case, 'reference' | 'reportedBy' | 'category' | 'status' | 'createdAt'> & {
  reporter?: { lineUserId?: string };
  location?: { resolved?: { provinceCode?: string; districtCode?: string } };
  household?: { size?: number };
  completedAt?: Date;
  visitDate?: string;
};

/**
 * A household is the person who reported for themselves (their cases are one family's), or the
 * case itself when a volunteer reported for a family or the reporter was erased. The key stays
 * in this process: it only decides whether a cell rests on enough households.
 */
const householdKey = (row: Projected) =>
  row.reportedBy === 'self' && row.reporter?.lineUserId && row.reporter.lineUserId !== 'erased'
    ? `reporter:${row.reporter.lineUserId}`
    : `case:${row.reference}`;

/** The anonymous part of every case reported before this month, read in one pass. */
export async function readPublicRows(connection: Connection, now: Date): Promise<PublicCaseRow[]> {
  const rows: PublicCaseRow[] = [];
  const cursor = caseModel(connection)
    .find({ createdAt: { $lt: publicationCutoff(now) } }, PROJECTION)
    .lean<Projected[]>()
    .cursor({ batchSize: 1000 });
  for await (const row of cursor) {
    rows.push({
      household: householdKey(row),
      category: row.category,
      status: row.status,
      provinceCode: row.location?.resolved?.provinceCode,
      districtCode: row.location?.resolved?.districtCode,
      householdSize: row.household?.size ?? 1,
      createdAt: row.createdAt,
      completedAt: row.completedAt,
      visitDate: row.visitDate,
    });
  }
  return rows;
}
