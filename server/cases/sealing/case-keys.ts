/**
 * Who can open a case. Each case gets its own data key, which is kept twice:
 * sealed to the commission's public key (staff open it after unlocking the
 * commission's private key) and wrapped under the key derived from the
 * reporter's tracking code (the reporter opens it by typing the code). The web
 * server alone can do neither: it holds the public key and the installation
 * salt, never the private key in clear nor any tracking code.
 *
 * A reporter coming back: deriveTrackingKeys(code, salt) once, find the case by
 * its lookupId, then openCaseKeyAsReporter(keys, case.wrappedForReporter).
 */
import { newDataKey, open, seal } from './content-box';
import { openFromCommission, sealToCommission, type SealedForCommission } from './commission-key';
import { deriveTrackingKeys, type TrackingKeys } from './tracking-code';

export interface NewCaseKeys {
  /** in memory only: seal the case's fields with it, then let it go */
  dataKey: Buffer;
  lookupId: string;
  sealedForCommission: SealedForCommission;
  /** base64 content box of the data key under the reporter's wrap key */
  wrappedForReporter: string;
}

const reporterWrapContext = 'reporter-wrap';

export async function createCaseKeys(input: {
  commissionPublicKeyPem: string;
  code: string;
  installationSalt: Buffer;
}): Promise<NewCaseKeys> {
  const reporterKeys = await deriveTrackingKeys(input.code, input.installationSalt);
  const keys = createCaseKeysFor(reporterKeys, input.commissionPublicKeyPem);
  reporterKeys.wrapKey.fill(0);
  return keys;
}

/** As createCaseKeys, for a caller that has already derived the reporter's keys (one argon2 per request). */
export function createCaseKeysFor(reporterKeys: TrackingKeys, commissionPublicKeyPem: string): NewCaseKeys {
  const dataKey = newDataKey();
  const wrappedForReporter = seal(reporterKeys.wrapKey, dataKey, reporterWrapContext).toString('base64');
  const sealedForCommission = sealToCommission(commissionPublicKeyPem, dataKey);
  return { dataKey, lookupId: reporterKeys.lookupId, sealedForCommission, wrappedForReporter };
}

/** Throws SealBrokenError if these keys come from another code. */
export function openCaseKeyAsReporter(reporterKeys: TrackingKeys, wrappedForReporter: string): Buffer {
  return open(reporterKeys.wrapKey, Buffer.from(wrappedForReporter, 'base64'), reporterWrapContext);
}

/** Throws CommissionKeyMismatchError if the case was sealed to another commission key. */
export function openCaseKeyAsCommission(privateKeyPem: string, sealedForCommission: SealedForCommission): Buffer {
  return openFromCommission(privateKeyPem, sealedForCommission);
}
