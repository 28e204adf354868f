/**
 * 1 and 3 months after a case is concluded, a reporter who left an address
 * for notices gets a content-free mail inviting them to tell of any
 * retaliation. Scheduled in day-keyed documents (`voice_invitations`,
 * `_id` = the China date it is due), each listing its cases; the daily pass
 * reads the days from the last one done up to today by _id, never a scan.
 *
 * Like the reporter's "there is an update" (triage/case-messages.service.ts),
 * the address is opened from the case's notice box in memory and handed
 * straight to the transport, so it is never stored in clear, not even in the
 * outbox; a case whose mail fails stays on its day for the next pass, and a
 * day is done only when its list is empty.
 */
import { Schema, model } from 'mongoose';
import { addMonths } from '../cases/deadlines';
import { Case, type CaseDocument } from '../cases/case.model';
import { noticeAddressOf } from '../cases/identity-sealing';
import { chinaDateOf } from '../lib/china-time';
import { withLock } from '../lib/locks';
import { renderMail } from '../notifications/mail-templates';
import type { MailTransport } from '../notifications/mail-transport';

const Invitations = model('VoiceInvitations', new Schema(
  {
    _id: { type: String, required: true },
    /** JSON list of case ids due this day; on the cursor document, `day` instead */
    caseIds: { type: String, default: '[]' },
    day: { type: String, default: null },
  },
  { collection: 'voice_invitations', versionKey: false },
));

const cursorId = 'done-up-to';
export const invitationMonths = [1, 3] as const;
/** A first pass (no cursor yet) looks back this many days. */
const firstLookBackDays = 7;

export async function scheduleInvitations(caseDocument: Pick<CaseDocument, '_id' | 'sealed'>, concludedDate: string): Promise<void> {
  if (!caseDocument.sealed?.notice) return;
  for (const months of invitationMonths) await editDay(addMonths(concludedDate, months), (ids) => [...new Set([...ids, caseDocument._id.toString()])]);
}

export interface InvitationDeps {
  transport: MailTransport;
  publicUrl: string;
  noticeKey?: Buffer;
}

/** Sends what is due up to `today`; returns how many mails went out. */
export async function sendDueInvitations(deps: InvitationDeps, today = chinaDateOf(new Date())): Promise<number> {
  const cursor = await Invitations.findById(cursorId).lean();
  let sent = 0;
  let doneUpTo = cursor?.day ?? null;
  for (const day of daysUpTo(cursor?.day ?? null, today)) {
    const ids = await idsOf(day);
    const failed: string[] = [];
    for (const id of ids) {
      if (await sendOne(id, day, deps)) sent += 1;
      else failed.push(id);
    }
    if (ids.length > 0) await editDay(day, (current) => current.filter((id) => failed.includes(id) || !ids.includes(id)));
    if (failed.length > 0) break;
    doneUpTo = day;
  }
  if (doneUpTo) await Invitations.replaceOne({ _id: cursorId }, { day: doneUpTo }, { upsert: true });
  return sent;
}

/** False when it must be tried again; a case without an address (or gone) is done. */
async function sendOne(caseId: string, day: string, deps: InvitationDeps): Promise<boolean> {
  const caseDocument = await Case.findById(caseId).lean<CaseDocument>();
  const address = caseDocument ? noticeAddressOf(caseDocument, deps.noticeKey) : null;
  if (!address) return true;
  const { subject, text } = renderMail('retaliationInvitation', { publicUrl: deps.publicUrl });
  try {
    await deps.transport.send({ mailId: `retaliation-invitation-${caseId}-${day}`, to: address, subject, text, toReporter: true });
    return true;
  } catch {
    return false;
  }
}

async function idsOf(day: string): Promise<string[]> {
  return JSON.parse((await Invitations.findById(day).lean())?.caseIds || '[]') as string[];
}

async function editDay(day: string, change: (ids: string[]) => string[]): Promise<void> {
  const done = await withLock(`voice-invitations:${day}`, { waitMs: 3_000 }, async () => {
    const ids = change(await idsOf(day));
    if (ids.length === 0) await Invitations.deleteOne({ _id: day });
    else await Invitations.replaceOne({ _id: day }, { caseIds: JSON.stringify(ids) }, { upsert: true });
  });
  if (!done) throw new Error(`invitations of ${day} stayed locked`);
}

function daysUpTo(doneUpTo: string | null, today: string): string[] {
  const days: string[] = [];
  let day = doneUpTo ? nextDay(doneUpTo) : nextDay(addDays(today, -firstLookBackDays));
  for (; day <= today; day = nextDay(day)) days.push(day);
  return days;
}

function nextDay(day: string): string {
  return addDays(day, 1);
}

function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}
