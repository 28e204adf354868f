/**
 * The second factor: time-based one-time codes (RFC 6238, 30 s, 6 digits),
 * as every authenticator app shows them. A code is accepted one step either
 * side of now, for clocks that drift; the caller refuses any step already
 * used, so each code works once.
 *
 * The secret is sealed under a key derived from TOTP_SECRET_KEY (from
 * SESSION_SECRET where that is not set, as before it existed; secrets sealed
 * so are moved to the new key at start, totp-key-upgrade.ts). That keeps it
 * out of a copied database, but not from someone who also has the server's
 * configuration; SESSION_SECRET can be rotated (everyone is signed out)
 * without anyone enrolling again.
 */
import { hkdfSync } from 'node:crypto';
import { authenticator } from 'otplib';
import QRCode from 'qrcode';
import { open, seal } from '../cases/sealing/content-box';

const stepSeconds = 30;
const issuer = '清风通州';
const checker = authenticator.clone({ step: stepSeconds, digits: 6, window: 1 });

export function newTotpSecret(): string {
  return checker.generateSecret(20);
}

export function sealTotpSecret(totpSecret: string, staffId: string, secret: string): string {
  return seal(totpKey(totpSecret), Buffer.from(secret, 'utf8'), context(staffId)).toString('base64');
}

export function openTotpSecret(totpSecret: string, staffId: string, box: string): string {
  return open(totpKey(totpSecret), Buffer.from(box, 'base64'), context(staffId)).toString('utf8');
}

/** The 30-second step the code belongs to, or null if it is not a current code. */
export function acceptedStep(code: string, secret: string, now = Date.now()): number | null {
  const digits = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(digits)) return null;
  const delta = checker.clone({ epoch: now }).checkDelta(digits, secret);
  return delta === null ? null : Math.floor(now / 1000 / stepSeconds) + delta;
}

export function otpauthUri(accountName: string, secret: string): string {
  return checker.keyuri(accountName, issuer, secret);
}

/** Drawn here, as a data: URL: the secret never goes to a third-party QR service. */
export function qrCodeDataUrl(uri: string): Promise<string> {
  return QRCode.toDataURL(uri, { errorCorrectionLevel: 'M', margin: 2, width: 240 });
}

/** For reading out or typing by hand: groups of four. */
export function formatSecret(secret: string): string {
  return secret.match(/.{1,4}/g)?.join(' ') ?? secret;
}

function totpKey(totpSecret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', totpSecret, Buffer.alloc(0), 'qingfeng staff totp v1', 32));
}

function context(staffId: string): string {
  return `staff-totp:${staffId}`;
}
