/**
 * The staff lists (cases/listings/) against a recount from the cases: after
 * a burst of concurrent staff actions (some on the same case) with folds
 * running meanwhile, after a case is closed and after one is moved back out
 * of closed, and when the lists are first built from cases stored by the
 * layout without lists.
 */
import { AuditEntry } from '../../server/audit/audit.model';
import { recordCaseChange } from '../../server/cases/case-changes';
import { Case } from '../../server/cases/case.model';
import { countClosed, noClosedCounts } from '../../server/cases/listings/closed-counts';
import { foldListingChanges } from '../../server/cases/listings/listing-fold.service';
import { readListing } from '../../server/cases/listings/listing-read.service';
import { rebuildListings } from '../../server/cases/listings/listing-rebuild.service';
import { decodeRows, isOpen, listingFields, rowOf, type ListedCase, type ListingRow } from '../../server/cases/listings/listing-row';
import { CaseListing, ListingChange } from '../../server/cases/listings/listing.model';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { insertCases } from '../oversight/oversight-fixtures';
import { browser, buildTestApp, csrfTokenFrom } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { openReportForm, postReport, validReport } from '../helpers/reports';
import { createAccount, signIn } from '../staff/staff-helpers';

const app = buildTestApp({ REPORTS_PER_HOUR_PER_CLIENT: '100', STAFF_SIGN_INS_PER_HOUR_PER_CLIENT: '100' });
let references: string[] = [];

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
});
afterAll(dropTestDatabase);

async function recount(): Promise<{ open: ListingRow[]; closed: ListingRow[] }> {
  const rows = (await Case.find({}, listingFields).lean()).map((stored) => rowOf(stored as unknown as ListedCase));
  return { open: rows.filter(isOpen), closed: rows.filter((row) => !isOpen(row)) };
}

const byId = (rows: ListingRow[]) => [...rows].sort((a, b) => a.id.localeCompare(b.id));

async function expectListsEqualToRecount(): Promise<void> {
  const truth = await recount();
  const months = [...new Set(truth.closed.map((row) => row.monthKey))];
  const listing = await readListing(months);
  expect(byId(listing.rows)).toEqual(byId([...truth.open, ...truth.closed]));
  const counts = noClosedCounts();
  for (const row of truth.closed) countClosed(counts, row, 1);
  expect(listing.closedCounts.all).toBe(counts.all);
  expect(listing.closedCounts.public).toBe(counts.public);
  expect(Object.fromEntries(Object.entries(listing.closedCounts.byAssignee).filter(([, n]) => n !== 0))).toEqual(counts.byAssignee);
}

/** What is stored once every change is folded in, without the overlay. */
async function storedRows(): Promise<ListingRow[]> {
  const docs = await CaseListing.find({}).lean();
  return docs.filter((doc) => doc._id.startsWith('open:') || doc._id.startsWith('closed:')).flatMap((doc) => decodeRows(doc.rows));
}

describe('the staff lists', () => {
  it('when staff act on cases at once (two on the same case) while folds run, then the lists and counts equal a recount, before and after folding', async () => {
    for (let index = 0; index < 6; index += 1) {
      const reporter = browser(app.app);
      await postReport(reporter, await openReportForm(reporter), { ...validReport, unit: index % 2 ? 'gaj' : 'xzspj' }).expect(200);
    }
    references = (await Case.find({}, { reference: 1 }).lean()).map((stored) => stored.reference).sort();
    const key = app.commissionPrivateKey;
    const supervisor = browser(app.app);
    await signIn(supervisor, await createAccount(app.config, { roles: ['supervisor'], commissionPrivateKeyPem: key }));
    const intake = browser(app.app);
    await signIn(intake, await createAccount(app.config, { roles: ['intake'], commissionPrivateKeyPem: key }));
    const handler = await createAccount(app.config, { roles: ['handler'] });
    const tokens = { supervisor: await csrfTokenFrom(supervisor, '/staff'), intake: await csrfTokenFrom(intake, '/staff') };
    const post = (agent: typeof supervisor, token: string, reference: string, action: string, fields: Record<string, string> = {}) =>
      agent.post(`/staff/cases/${reference}/${action}`).type('form').send({ _csrf: token, ...fields });

    const [a, b, c, d, e] = references;
    const burst = await Promise.all([
      post(supervisor, tokens.supervisor, a, 'accept'),
      post(intake, tokens.intake, a, 'accept'), // the same case: one of the two wins
      post(supervisor, tokens.supervisor, b, 'decline', { reason: '不属于受理范围' }),
      post(intake, tokens.intake, c, 'assign', { handlerId: handler.id }),
      post(supervisor, tokens.supervisor, c, 'priority', { priority: 'high' }),
      post(intake, tokens.intake, d, 'transfer', { authority: '区信访局' }),
      post(supervisor, tokens.supervisor, e, 'accept'),
      foldListingChanges(),
      foldListingChanges(),
    ]);
    const statuses = burst.slice(0, 7).map((response) => (response as { status: number }).status);
    expect(statuses.filter((status) => status === 303)).toHaveLength(6);
    expect(statuses.filter((status) => status === 409)).toHaveLength(1);
    await Promise.all([post(supervisor, tokens.supervisor, b, 'close'), post(intake, tokens.intake, d, 'close'), post(supervisor, tokens.supervisor, e, 'investigate')]);
    expect(await AuditEntry.countDocuments({ action: 'case.closed' })).toBe(2);

    await expectListsEqualToRecount();
    while ((await ListingChange.countDocuments({})) > 0) await foldListingChanges();
    await expectListsEqualToRecount();
    const truth = await recount();
    expect(byId(await storedRows())).toEqual(byId([...truth.open, ...truth.closed]));
    expect(truth.closed).toHaveLength(2);
    expect((await readListing()).rows.map((row) => row.reference)).not.toContain(b);
    // The queue: the working set by default; closed cases when asked for, or for their month.
    const queue = (query: string) => supervisor.get(`/staff/cases${query}`).expect(200).then((page) => page.text);
    expect(await queue('')).not.toContain(`>${b}<`);
    expect(await queue('')).toContain(`>${a}<`);
    expect(await queue('?status=closed')).toContain(`>${b}<`);
    const month = (await Case.findOne({ reference: b }).lean())!.monthKey;
    expect(await queue(`?month=${month}`)).toContain(`>${b}<`);
  });

  it('when a closed case is moved back to investigation (as a review will), then it leaves the closed list and the counts, and folding it twice changes nothing', async () => {
    const closed = (await Case.findOne({ reference: references[1] }).lean())!;
    expect(closed.status).toBe('closed');
    await Case.updateOne({ _id: closed._id }, { $set: { status: 'investigating', stageOrder: 2 } });
    await recordCaseChange({ ...closed, status: 'investigating' });
    await expectListsEqualToRecount();
    await foldListingChanges();
    await recordCaseChange({ ...closed, status: 'investigating' });
    await foldListingChanges();
    await expectListsEqualToRecount();
    const row = (await readListing()).rows.find((candidate) => candidate.reference === references[1]);
    expect(row?.status).toBe('investigating');
    expect((await readListing()).closedCounts.all).toBe(1);
  });

  it('when another instance rewrites a list, then this one reads it anew (the token of the write changed), not what it kept', async () => {
    while ((await ListingChange.countDocuments({})) > 0) await foldListingChanges();
    const kept = await readListing();
    const gone = kept.rows.find((row) => row.status === 'new')!;
    const list = (await CaseListing.findById('open:new').lean())!;
    const others = decodeRows(list.rows).filter((row) => row.id !== gone.id);
    await CaseListing.replaceOne({ _id: 'open:new' }, { rows: JSON.stringify(others) });
    await CaseListing.replaceOne({ _id: 'written' }, { token: 'written-by-another-instance' }, { upsert: true });
    expect((await readListing()).rows.map((row) => row.id)).not.toContain(gone.id);
    await rebuildListings();
    expect((await readListing()).rows.map((row) => row.id)).toContain(gone.id);
  });

  it('when cases were stored by the layout without lists, then the first list built from them holds every one, the same as a recount', async () => {
    await CaseListing.deleteMany({});
    await ListingChange.deleteMany({});
    await insertCases([{ month: '2025-11', unit: 'gaj', status: 'closed' }, { month: '2025-12', unit: 'gaj', status: 'concluded', outcome: 'substantiated' }, { month: '2026-01', unit: 'xzspj', commission: true }]);
    await expectListsEqualToRecount();
    expect(await CaseListing.exists({ _id: 'meta' })).not.toBeNull();
    expect((await rebuildListings()).cases).toBe(await Case.countDocuments({}));
    await expectListsEqualToRecount();
  });
});
