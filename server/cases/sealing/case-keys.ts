/**
 * Who can open a case. Each case gets its own data key, which is kept twice:
 * sealed to the commission's public key (staff open it after unlocking the
 * commission's private key) and wrapped under the key derived from the
 * reporter's tracking code (the reporter opens it by typing the code). The web
 * server alone can do neither: it holds the public key and the installation
 * salt, never the private key in clear nor any tracking code.
 *
 * A reporter coming back: the code's locator finds the case's salt
 * (case-locator.model.ts), deriveCaseTrackingKeys once, compare the verifier,
 * then openCaseKeyAsReporter(keys, case.wrappedForReporter).
 */
import { newDataKey, open, seal } from './content-box';
import { openFromCommission, sealToCommission, type SealedForCommission } from './commission-key';
import type { TrackingKeys } from './tracking-code';

export interface NewCaseKeys {
  /** in memory only: seal the case's fields with it, then let it go */
  dataKey: Buffer;
  lookupId: string;
  sealedForCommission: SealedForCommission;
  /** base64 content box of the data key under the reporter's wrap key */
  wrappedForReporter: string;
}

const reporterWrapContext = 'reporter-wrap';

/** The reporter's keys come from the code (tracking-code.ts): one argon2id per request. */
export function createCaseKeysFor(reporterKeys: TrackingKeys, commissionPublicKeyPem: string): NewCaseKeys {
  const dataKey = newDataKey();
  const wrappedForReporter = wrapForReporter(reporterKeys, dataKey);
  const sealedForCommission = sealToCommission(commissionPublicKeyPem, dataKey);
  return { dataKey, lookupId: reporterKeys.lookupId, sealedForCommission, wrappedForReporter };
}

export function wrapForReporter(reporterKeys: TrackingKeys, dataKey: Buffer): string {
  return seal(reporterKeys.wrapKey, dataKey, reporterWrapContext).toString('base64');
}

/** Throws SealBrokenError if these keys come from another code. */
export function openCaseKeyAsReporter(reporterKeys: TrackingKeys, wrappedForReporter: string): Buffer {
  return open(reporterKeys.wrapKey, Buffer.from(wrappedForReporter, 'base64'), reporterWrapContext);
}

/** Throws CommissionKeyMismatchError if the case was sealed to another commission key. */
export function openCaseKeyAsCommission(privateKeyPem: string, sealedForCommission: SealedForCommission): Buffer {
  return openFromCommission(privateKeyPem, sealedForCommission);
}
