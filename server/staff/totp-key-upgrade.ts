/**
 * Once TOTP_SECRET_KEY is set, the authenticator secrets sealed before under
 * SESSION_SECRET are re-sealed under it, at start, before anyone signs in:
 * the accounts' and those waiting in pending authenticator resets. Both
 * collections are small (staff accounts; requests pending at most 72 hours),
 * so they are read whole. A secret that opens under neither key (SESSION_SECRET
 * changed before the upgrade) is left, counted, and that account enrols again.
 */
import { Approval } from './approvals/approval.model';
import { Staff } from './staff.model';
import { openTotpSecret, sealTotpSecret } from './totp';

export interface TotpUpgradeResult {
  moved: number;
  unreadable: number;
}

export async function moveTotpSecretsToOwnKey(keys: { totpSecret: string; sessionSecret: string }): Promise<TotpUpgradeResult> {
  const result: TotpUpgradeResult = { moved: 0, unreadable: 0 };
  if (keys.totpSecret === keys.sessionSecret) return result;
  for (const staff of await Staff.find({}, { totpSecretBox: 1 }).lean()) {
    const resealed = resealedBox(keys, String(staff._id), staff.totpSecretBox, result);
    if (resealed) await Staff.updateOne({ _id: staff._id, totpSecretBox: staff.totpSecretBox }, { $set: { totpSecretBox: resealed } });
  }
  for (const request of await Approval.find({}, { accountId: 1, prepared: 1 }).lean()) {
    const box = request.prepared?.totpSecretBox;
    const resealed = box ? resealedBox(keys, String(request.accountId), box, result) : undefined;
    if (resealed) await Approval.updateOne({ _id: request._id }, { $set: { 'prepared.totpSecretBox': resealed } });
  }
  return result;
}

function resealedBox(keys: { totpSecret: string; sessionSecret: string }, staffId: string, box: string, result: TotpUpgradeResult): string | undefined {
  if (opens(keys.totpSecret, staffId, box)) return undefined;
  const secret = opens(keys.sessionSecret, staffId, box);
  if (!secret) {
    result.unreadable += 1;
    return undefined;
  }
  result.moved += 1;
  return sealTotpSecret(keys.totpSecret, staffId, secret);
}

function opens(key: string, staffId: string, box: string): string | undefined {
  try {
    return openTotpSecret(key, staffId, box);
  } catch {
    return undefined;
  }
}
