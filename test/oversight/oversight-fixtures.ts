/**
 * Cases with known figures, written straight to the database (their sealed
 * fields are dummies: statistics never open them), and small readers for
 * the report's HTML.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import { Case } from '../../server/cases/case.model';
import { dueDateInStage } from '../../server/cases/deadlines';

export interface FixtureCase {
  month: string;
  day?: number;
  unit: string;
  category?: string;
  kind?: 'complaint' | 'suggestion' | 'praise';
  reporterType?: 'resident' | 'business' | 'undisclosed';
  commission?: boolean;
  status?: 'new' | 'accepted' | 'declined' | 'transferred' | 'investigating' | 'concluded' | 'closed';
  /** working days to acceptance; sets acceptedDate */
  accepted?: number;
  outcome?: 'substantiated' | 'partlySubstantiated' | 'notSubstantiated';
  measures?: string[];
  /** working days to conclusion; sets concludedDate */
  concluded?: number;
  dueDate?: string | null;
  /** declined or transferred before being closed (set from the status when it is one of them) */
  decision?: 'declined' | 'transferred';
}

let counter = 0;

export async function insertCases(cases: FixtureCase[]): Promise<void> {
  await Case.insertMany(cases.map(caseDocument));
}

export function caseDocument(fixture: FixtureCase): Record<string, unknown> {
  counter += 1;
  const receivedDate = `${fixture.month}-${String(fixture.day ?? 10).padStart(2, '0')}`;
  const status = fixture.status ?? 'new';
  const acceptedDate = fixture.accepted === undefined ? null : `${fixture.month}-20`;
  const concludedDate = fixture.concluded === undefined ? null : `${fixture.month}-28`;
  const acceptDueDate = `${fixture.month}-25`;
  return {
    _id: new Types.ObjectId(),
    reference: `TZ-${fixture.month.slice(0, 4)}-${String(90000 + counter).padStart(5, '0')}`,
    lookupId: randomUUID(),
    kind: fixture.kind ?? 'complaint',
    reporterType: fixture.reporterType ?? 'resident',
    unitCode: fixture.unit,
    categoryCode: fixture.category ?? ((fixture.kind ?? 'complaint') === 'complaint' ? 'favours' : 'none'),
    concernsCommission: fixture.commission ?? false,
    status,
    receivedAt: new Date(`${receivedDate}T02:00:00Z`),
    receivedDate,
    monthKey: fixture.month,
    acceptDueDate,
    dueDate: fixture.dueDate !== undefined ? fixture.dueDate : dueDateInStage(status, { acceptDueDate, acceptedDate, concludedDate }),
    acceptedDate,
    concludedDate,
    decision: fixture.decision ?? (status === 'declined' || status === 'transferred' ? status : null),
    workingDaysToAcceptance: fixture.accepted ?? null,
    workingDaysToConclusion: fixture.concluded ?? null,
    outcome: fixture.outcome ?? null,
    measures: fixture.measures ?? [],
    keys: { sealedForCommission: { keyId: 'test', ephemeralPublicKey: 'test', box: 'test' }, wrappedForReporter: 'test' },
    sealed: { report: randomBytes(16), identity: null },
  };
}

/** A table of the report as text: rows of [label, ...cells], links dropped. */
export function tableRows(html: string, id: string): string[][] {
  const start = html.indexOf(`<section class="report-table" id="${id}"`);
  if (start < 0) throw new Error(`no table ${id}`);
  const section = html.slice(start, html.indexOf('</section>', start));
  const body = section.slice(section.indexOf('<tbody>'), section.indexOf('</tbody>'));
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) => [...row[1].matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) => text(cell[1])));
}

/** Every link to the case list in a table, with the figure it shows. */
export function tableLinks(html: string, id: string): Array<{ href: string; figure: string }> {
  const start = html.indexOf(`<section class="report-table" id="${id}"`);
  const section = html.slice(start, html.indexOf('</section>', start));
  return [...section.matchAll(/<a href="(\/staff\/cases\?[^"]*)">([^<]*)<\/a>/g)].map((match) => ({ href: match[1].replace(/&amp;/g, '&').replace(/&#x3D;/g, '='), figure: match[2] }));
}

export function text(html: string): string {
  return html.replace(/<[^>]+>/g, '').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#x27;|&#39;/g, "'").replace(/&#x3D;/g, '=').replace(/\s+/g, ' ').trim();
}
