/**
 * Three units with known figures for the third quarter of 2026, written
 * straight to the database like the monthly report's fixtures, and the
 * reporter's ratings written to the voice counters as a rating does.
 *
 * 区行政审批局 (xzspj): 4 reports from the public, 3 concluded (one
 * substantiated, one partly, one not), 2 of 3 accepted on time, 2 of 3
 * concluded on time, 1 finding, 3 of 4 ratings satisfied.
 * 区公安局 (gaj): 2 reports, 1 accepted on time, none concluded.
 * 区发改委 (fgw): 1 report concluded, not substantiated, all on time; 2 findings.
 * A case of October, outside the quarter, must not count.
 *
 * Rectification items, written to the month lists as the items' steps write
 * them: 区行政审批局 has one rectified on time, one answered late and verified,
 * one open past its due date (3 with a result, 1 on time); 区公安局 one open
 * and not yet due (no result). Window ratings at one 区行政审批局 window:
 * 2 very satisfied, 1 satisfied, 1 dissatisfied, 1 very dissatisfied (3 of 5).
 */
import { Types } from 'mongoose';
import { Case } from '../../server/cases/case.model';
import { countVoiceEntry } from '../../server/voice/voice-counts.model';
import { caseDocument, type FixtureCase } from '../oversight/oversight-fixtures';
import { RectificationList, listIds, type ItemRow } from '../../server/rectification/rectification-lists.model';
import { countWindowRating } from '../../server/windows/window-counts.model';
import type { WindowRatingLevel } from '../../server/windows/window-rating-levels';

type Overrides = Record<string, unknown>;

const finding = { channel: 'inspection', inspectionMethod: 'unannounced' };

const cases: Array<[FixtureCase, Overrides]> = [
  [{ month: '2026-07', unit: 'xzspj', status: 'concluded', accepted: 3, concluded: 12, outcome: 'substantiated' }, {}],
  // accepted after its deadline (the 15th), concluded on time
  [{ month: '2026-08', unit: 'xzspj', status: 'concluded', accepted: 8, concluded: 12, outcome: 'partlySubstantiated' }, { acceptDueDate: '2026-08-15' }],
  // accepted on time, concluded after its target (three months from 20 July)
  [{ month: '2026-07', unit: 'xzspj', status: 'closed', accepted: 3, concluded: 80, outcome: 'notSubstantiated' }, { concludedDate: '2026-11-05' }],
  [{ month: '2026-09', unit: 'xzspj', status: 'new' }, {}],
  [{ month: '2026-08', unit: 'xzspj', status: 'new' }, finding],
  [{ month: '2026-07', unit: 'gaj', status: 'investigating', accepted: 3 }, {}],
  [{ month: '2026-08', unit: 'gaj', status: 'declined' }, {}],
  [{ month: '2026-09', unit: 'fgw', status: 'concluded', accepted: 3, concluded: 6, outcome: 'notSubstantiated' }, {}],
  [{ month: '2026-07', unit: 'fgw', status: 'new' }, finding],
  [{ month: '2026-09', unit: 'fgw', status: 'accepted', accepted: 3 }, finding],
  [{ month: '2026-10', unit: 'xzspj', status: 'concluded', accepted: 3, concluded: 6, outcome: 'substantiated' }, {}],
];

export async function insertAssessmentFixtures(): Promise<void> {
  await Case.insertMany(cases.map(([fixture, overrides]) => ({ ...caseDocument(fixture), ...overrides })));
  const ratings = ['satisfied', 'basicallySatisfied', 'dissatisfied', 'satisfied'];
  for (const value of ratings) await countVoiceEntry('2026-09', 'rating', String(new Types.ObjectId()), { unit: 'xzspj', value, commission: false });
  const item = (unitCode: string, state: string, row: Partial<ItemRow>): ItemRow => ({
    itemId: String(new Types.ObjectId()), unitCode, caseReference: null, problem: '建立首问负责制', measure: '制定制度并公示', state,
    openedDate: '2026-08-03', dueDate: '2026-08-31', reportedDate: null, verifiedDate: null, closedOnTime: null, sentBackCount: 0, ...row,
  });
  await RectificationList.create({ _id: listIds.month('2026-08'), rows: [
    item('xzspj', 'verified', { reportedDate: '2026-08-20', verifiedDate: '2026-08-25', closedOnTime: true }),
    item('xzspj', 'verified', { reportedDate: '2026-09-10', verifiedDate: '2026-09-11', closedOnTime: false, sentBackCount: 1 }),
    item('xzspj', 'open', {}),
    item('gaj', 'open', { dueDate: '2099-12-31' }),
  ] });
  const levels: WindowRatingLevel[] = ['verySatisfied', 'verySatisfied', 'satisfied', 'dissatisfied', 'veryDissatisfied'];
  for (const level of levels) await countWindowRating('2026-08', 'w3abcd', 'xzspj', level);
}
