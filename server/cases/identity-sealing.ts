/**
 * A reporter's identity has a key of its own, sealed to the identity key that
 * only custodians hold (each wrapped under their password), so a handler's or
 * supervisor's password, which opens the case, opens no identity. The address
 * a reporter gave for notices is sealed apart, under the portal's notice key
 * (a server secret), so the portal can send content-free notices without
 * any staff key; it reveals no more than that address, and only with the
 * server's secrets.
 *
 * Cases stored before this, or by an installation without an identity key,
 * keep their identity under the case's own key: readable as before.
 */
import { sealContext, type CaseDocument } from './case.model';
import type { ReporterIdentity } from './case-content.service';
import { openFromCommission, sealToCommission, type SealedForCommission } from './sealing/commission-key';
import { newDataKey, openJson, sealJson } from './sealing/content-box';
import { storedBytes } from './stored-bytes';

export interface IdentityKeys {
  identityPublicKey?: string;
  noticeKey?: Buffer;
}

export interface SealedIdentity {
  identity: Buffer;
  notice: Buffer | null;
  /** null: sealed under the case's key, the layout before identities had a key */
  sealedForIdentity: SealedForCommission | null;
}

export function sealIdentity(caseId: string, identity: ReporterIdentity, caseKey: Buffer, keys: IdentityKeys): SealedIdentity {
  if (!keys.identityPublicKey || !keys.noticeKey) return { identity: sealJson(caseKey, identity, sealContext.identity(caseId)), notice: null, sealedForIdentity: null };
  const identityKey = newDataKey();
  try {
    return {
      identity: sealJson(identityKey, identity, sealContext.identity(caseId)),
      notice: identity.notifyByEmail && identity.email ? sealJson(keys.noticeKey, { email: identity.email }, sealContext.notice(caseId)) : null,
      sealedForIdentity: sealToCommission(keys.identityPublicKey, identityKey),
    };
  } finally {
    identityKey.fill(0);
  }
}

/** Whether opening this case's identity needs the identity key (and so a custodian's password). */
export function needsIdentityKey(caseDocument: Pick<CaseDocument, 'keys'>): boolean {
  return Boolean(caseDocument.keys?.sealedForIdentity);
}

/** Throws CommissionKeyMismatchError for another identity key. */
export function openIdentityWithKey(caseDocument: CaseDocument, identityPrivateKeyPem: string): ReporterIdentity | null {
  const sealed = caseDocument.sealed?.identity;
  if (!sealed || !caseDocument.keys?.sealedForIdentity) return null;
  const identityKey = openFromCommission(identityPrivateKeyPem, caseDocument.keys.sealedForIdentity as SealedForCommission);
  try {
    return openJson<ReporterIdentity>(identityKey, storedBytes(sealed), sealContext.identity(caseDocument._id.toString()));
  } finally {
    identityKey.fill(0);
  }
}

/** The address for notices, if the reporter asked for them and the portal holds the notice key. */
export function noticeAddressOf(caseDocument: CaseDocument, noticeKey: Buffer | undefined): string | null {
  const sealed = caseDocument.sealed?.notice;
  if (!sealed || !noticeKey) return null;
  return openJson<{ email: string }>(noticeKey, storedBytes(sealed), sealContext.notice(caseDocument._id.toString())).email;
}
