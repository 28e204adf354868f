/**
 * One due mail, from claim to outcome:
 *   wait for its case → claim the attempt → re-read → send → record.
 *
 * The claim (outbox-claim.model.ts) is what keeps several portal instances
 * from sending the same attempt; every later write to the mail is made only
 * by the claim's holder, so FerretDB's non-atomic updates cannot race.
 * An instance that dies between claim and record leaves a claim that nobody
 * finishes: after the lease it counts as a failed attempt and the next one is
 * claimed afresh. If that instance had in fact sent, the mail goes out twice;
 * losing a "new case" notice would be worse.
 */
import mongoose from 'mongoose';
import type { Logger } from '../lib/logger';
import type { MailTransport } from './mail-transport';
import { OutboxClaim, claimId } from './outbox-claim.model';
import { reporterDayOf } from '../cases/reporter-time';
import { OutboxMail } from './outbox-mail.model';
import { leaveDueList, type DueMail } from './outbox.service';
import { deliveryErrorCode, isPermanentFailure, maxAttempts, retryDelayMs } from './outbox-retry';
import { isDuplicateKeyError } from '../lib/db';

export type DeliveryOutcome = 'sent' | 'retrying' | 'failed' | 'held' | 'taken';

/** A submission that has not committed its case within this time was abandoned. */
export const caseWaitMs = 60 * 60_000;
/** Far longer than a send can take (see the timeouts in mail-transport.ts). */
export const claimLeaseMs = 10 * 60_000;

interface DeliveryContext {
  transport: MailTransport;
  logger: Logger;
  now: Date;
}

export async function deliverDueMail(due: DueMail, context: DeliveryContext): Promise<DeliveryOutcome> {
  if (due.caseId && !(await caseExists(due.caseId))) {
    if (context.now.getTime() - due.createdAt.getTime() < caseWaitMs) return 'held';
    if (!(await claimAttempt(due, context))) return 'taken';
    return recordFailure(due, 'caseMissing', true, context);
  }
  if (!(await claimAttempt(due, context))) return 'taken';
  // The list was read before the claim; another instance may have finished this attempt since.
  const mail = await stillDue(due);
  if (!mail?.to) return forgetClaim(due, 'taken');
  try {
    await context.transport.send({ mailId: due._id.toHexString(), to: mail.to, subject: mail.subject, text: mail.text });
  } catch (error) {
    return recordFailure(due, deliveryErrorCode(error), isPermanentFailure(error), context);
  }
  const attempts = due.attempts + 1;
  // By _id alone (any other filter reads every mail on FerretDB): the claim's holder is the only writer of this attempt.
  await OutboxMail.updateOne({ _id: due._id }, { $set: { status: 'sent', ...daysOnly(), attempts, lastErrorCode: null }, $unset: { to: 1, caseId: 1 } });
  await leaveDueList(due._id);
  context.logger.info({ mailId: due._id.toHexString(), template: due.template, attempts }, 'mail sent');
  return forgetClaim(due, 'sent');
}

// Once a mail is done, its times are needed no more: the day is kept, and no case, so a
// notice about a new case does not tell when its reporter sent it (cases/reporter-time.ts).
function daysOnly(): { createdAt: Date; sentAt: Date; nextAttemptAt: Date } {
  const day = reporterDayOf();
  return { createdAt: day, sentAt: day, nextAttemptAt: day };
}

// A claim names its mail and the instant of the attempt. Once the attempt is recorded the
// mail's attempt count has moved on, so a late claim of the same attempt finds it no longer
// due (stillDue) and sends nothing: the claim can go.
async function forgetClaim(due: DueMail, outcome: DeliveryOutcome): Promise<DeliveryOutcome> {
  await OutboxClaim.deleteOne({ _id: claimId(due._id, due.attempts) }).catch(() => undefined);
  return outcome;
}

async function caseExists(caseId: mongoose.Types.ObjectId): Promise<boolean> {
  return (await mongoose.connection.collection('cases').findOne({ _id: caseId }, { projection: { _id: 1 } })) !== null;
}

async function claimAttempt(due: DueMail, context: DeliveryContext): Promise<boolean> {
  try {
    await OutboxClaim.create({ _id: claimId(due._id, due.attempts), claimedAt: context.now });
    return true;
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    await expireStaleClaim(due, context);
    return false;
  }
}

async function expireStaleClaim(due: DueMail, context: DeliveryContext): Promise<void> {
  const claim = await OutboxClaim.findById(claimId(due._id, due.attempts)).lean();
  if (!claim || context.now.getTime() - claim.claimedAt.getTime() < claimLeaseMs) return;
  // Not this instance's claim: its holder may still be finishing, so the write is guarded by the attempt (a rare, slower write).
  if (await stillDue(due)) await recordFailure(due, 'claimExpired', false, context, true);
}

/** The mail if it is still pending at this attempt; read by _id alone (on FerretDB any other filter reads every mail). */
async function stillDue(due: DueMail) {
  const mail = await OutboxMail.findById(due._id).lean();
  return mail && mail.status === 'pending' && mail.attempts === due.attempts ? mail : null;
}

async function recordFailure(due: DueMail, code: string, permanent: boolean, context: DeliveryContext, guarded = false): Promise<DeliveryOutcome> {
  const mailId = due._id.toHexString();
  const attempts = due.attempts + 1;
  // By _id alone, as above, when the caller holds this attempt's claim.
  const filter = guarded ? { _id: due._id, status: 'pending', attempts: due.attempts } : { _id: due._id };
  if (permanent || attempts >= maxAttempts) {
    await OutboxMail.updateOne(filter, { $set: { status: 'failed', ...daysOnly(), attempts, lastErrorCode: code }, $unset: { to: 1, caseId: 1 } });
    await leaveDueList(due._id);
    context.logger.error({ mailId, template: due.template, attempts, error: code }, 'mail failed; giving up');
    return forgetClaim(due, 'failed');
  }
  // From now, not from the start of the pass: a send can take a minute to time out.
  const nextAttemptAt = new Date(Date.now() + retryDelayMs(attempts));
  await OutboxMail.updateOne(filter, { $set: { attempts, nextAttemptAt, lastErrorCode: code } });
  context.logger.warn({ mailId, template: due.template, attempts, error: code }, 'mail not sent; will retry');
  return forgetClaim(due, 'retrying');
}
