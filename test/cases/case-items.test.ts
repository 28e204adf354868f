/**
 * What belongs to a case is found by key (case_items), not by reading every
 * event, message and file ever stored: entries are contiguous even when
 * writers race; items stored before entries existed (the old layout) are
 * read by caseId until the start-up pass enters them, and read the same after.
 */
import { Types } from 'mongoose';
import { Attachment } from '../../server/cases/attachment.model';
import { enterEveryCaseItem } from '../../server/cases/case-items-backfill';
import { CaseItemsComplete } from '../../server/cases/case-items.model';
import { enterCaseItem, entriesOf } from '../../server/cases/case-items.service';
import { CaseEvent } from '../../server/cases/case-event.model';
import { CaseMessage } from '../../server/cases/case-message.model';
import { timelineOf } from '../../server/cases/case-timeline.service';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';

beforeAll(useTestDatabase);
afterAll(dropTestDatabase);

const ids = (items: ReadonlyArray<{ _id: unknown }>) => items.map((item) => String(item._id)).sort();

describe('a case\'s items', () => {
  it('when ten writers enter items of one case at once, then the entries are 0 to 9 without a gap, one per item', async () => {
    const caseId = new Types.ObjectId();
    const items = Array.from({ length: 10 }, () => new Types.ObjectId());
    await Promise.all(items.map((itemId) => enterCaseItem(caseId, { kind: 'event', itemId, at: new Date() })));
    const entries = await entriesOf(caseId);
    expect(entries.map((entry) => entry._id)).toEqual(Array.from({ length: 10 }, (_, n) => `${caseId.toString()}:${n}`));
    expect(entries.map((entry) => entry.itemId.toString()).sort()).toEqual(items.map(String).sort());
  });

  it('when items were stored by the old layout, then they are read by caseId, the start-up pass enters them once, and they read the same by key', async () => {
    await CaseItemsComplete.deleteMany({});
    const caseId = new Types.ObjectId();
    const other = new Types.ObjectId();
    const at = new Date('2026-03-02T02:00:00Z');
    await CaseEvent.create([{ caseId, at, type: 'accepted', visibleToReporter: true }, { caseId, at, type: 'assigned' }, { caseId: other, at, type: 'accepted' }]);
    await CaseMessage.create([{ caseId, from: 'commission', type: 'note', at, sealedBody: Buffer.from('sealed') }]);
    await Attachment.create([{ caseId, type: 'pdf', size: 1234, createdAt: at, sealedBytes: Buffer.alloc(64) }]);
    const read = async () => { const timeline = await timelineOf(caseId); return { events: ids(timeline.events), messages: ids(timeline.messages), files: timeline.files.map(({ _id, type, size }) => [String(_id), type, size]) }; };
    const before = await read();
    expect(before.events).toHaveLength(2);
    expect(before.messages).toHaveLength(1);

    expect(await enterEveryCaseItem()).toBeGreaterThanOrEqual(5);
    expect(await CaseItemsComplete.exists({ _id: 'complete' })).not.toBeNull();
    expect(await enterEveryCaseItem()).toBe(0);
    expect(await read()).toEqual(before);
    expect(before.files).toHaveLength(1);
    expect(await entriesOf(caseId)).toHaveLength(4);
  });
});
