/**
 * The purge job, run by the portal every hour and by `npm run purge`: first
 * it finishes every purge a crash left half-way (the `purging` list), then
 * purges the cases whose period has ended (not those on hold), then expires
 * the tracking codes of cases without activity for TRACKING_CODE_EXPIRY_MONTHS.
 * It reads the schedule by _id (retention.model.ts), never the cases.
 */
import mongoose, { Types } from 'mongoose';
import { recordAudit } from '../audit/audit.service';
import { Case } from '../cases/case.model';
import { forgetCode, isClosedWithNothingOpenOnItsCode, purgeCase, type PurgeOptions } from './case-purge.service';
import { casesDueBy, codesDueBy, listOf, unscheduleCode } from './purge-schedule.service';
import { CaseRetention, scheduleKeys } from './retention.model';
import { retentionToday } from './retention-rules';
import { retentionRules } from './retention-settings.service';

export interface PurgeJobConfig {
  archiveDir: string;
  commissionPublicKey: string;
}

export interface PurgeRun {
  resumed: number;
  purged: number;
  held: number;
  codesExpired: number;
}

export async function runPurgeJob(config: PurgeJobConfig, today = retentionToday(), afterStep?: PurgeOptions['afterStep']): Promise<PurgeRun> {
  const options = { ...config, today, by: 'rule', afterStep };
  const run: PurgeRun = { resumed: 0, purged: 0, held: 0, codesExpired: 0 };
  for (const caseId of await listOf(scheduleKeys.purging)) {
    if ((await purgeCase(caseId, options)) === 'purged') run.resumed += 1;
  }
  const rules = await retentionRules();
  for (const due of await casesDueBy(today, rules.months)) {
    if (due.held) {
      run.held += 1;
      continue;
    }
    if ((await purgeCase(due.caseId, options)) === 'purged') run.purged += 1;
  }
  run.codesExpired = await expireIdleCodes(today, rules.codeExpiryMonths);
  return run;
}

/** A closed case's code stops opening it: its locator, lookup and the reporter's key go; the case stays. */
async function expireIdleCodes(today: string, expiryMonths: number): Promise<number> {
  let expired = 0;
  for (const { day, caseIds } of await codesDueBy(today, expiryMonths)) {
    for (const caseId of caseIds) {
      const record = await CaseRetention.findById(caseId).lean();
      // Only the latest closure counts, and only while the case stays closed (an objection reopens it).
      if (record && !record.hold && !record.codeExpired && record.state !== 'purged' && record.activeDate === day) {
        const id = new Types.ObjectId(caseId);
        const caseDocument = await Case.findById(id, { locator: 1, lookupId: 1 }).lean();
        if (!caseDocument || !(await isClosedWithNothingOpenOnItsCode(id))) continue;
        await forgetCode(id, caseDocument);
        await Case.updateOne({ _id: id }, { $unset: { 'keys.wrappedForReporter': 1 } });
        await CaseRetention.updateOne({ _id: caseId }, { $set: { codeExpired: true } });
        await recordAudit({ actor: 'system', action: 'case.codeExpired', caseId, caseRef: record.reference, details: { lastActivity: record.activeDate } });
        expired += 1;
      }
      if (!record?.hold) await unscheduleCode(caseId, day);
    }
  }
  return expired;
}

/** The portal's timer: only while the database is up, and a line in the log when something was purged. */
export async function runPurgeJobWhileConnected(config: PurgeJobConfig, logger: { info(fields: object, message: string): void }): Promise<void> {
  if (mongoose.connection.readyState !== mongoose.ConnectionStates.connected) return;
  const run = await runPurgeJob(config);
  if (run.resumed + run.purged + run.codesExpired > 0) logger.info({ ...run }, 'retention purge ran');
}
