/**
 * Development and test only: secrets generated on first start and kept in
 * DATA_DIR/dev-secrets.json (mode 0600, ignored by git) so that `npm start`
 * needs no set-up. The commission's dev private key is written next to it
 * for the staff set-up command to import; production never uses this file.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface DevSecrets {
  SESSION_SECRET: string;
  CSRF_SECRET: string;
  CLIENT_KEY_SECRET: string;
  TRACKING_SALT: string;
  COMMISSION_PUBLIC_KEY: string;
  /** absent from files written before identities had a key of their own */
  IDENTITY_PUBLIC_KEY?: string;
  NOTICE_SECRET?: string;
  /** absent from files written before the authenticator secrets had a key of their own (added on the next start) */
  TOTP_SECRET_KEY?: string;
}

export function devSecretsPath(dataDir: string): string {
  return path.join(dataDir, 'dev-secrets.json');
}

export function devCommissionPrivateKeyPath(dataDir: string): string {
  return path.join(dataDir, 'dev-commission-private-key.pem');
}

export function devIdentityPrivateKeyPath(dataDir: string): string {
  return path.join(dataDir, 'dev-identity-private-key.pem');
}

export function loadOrCreateDevSecrets(dataDir: string): DevSecrets {
  const file = devSecretsPath(dataDir);
  if (existsSync(file)) return withTotpKey(file, JSON.parse(readFileSync(file, 'utf8')) as DevSecrets);

  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const pemPair = () => generateKeyPairSync('x25519', { publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  const { publicKey, privateKey } = pemPair();
  const identity = pemPair();
  const secrets: DevSecrets = {
    SESSION_SECRET: randomBytes(32).toString('base64'),
    CSRF_SECRET: randomBytes(32).toString('base64'),
    CLIENT_KEY_SECRET: randomBytes(32).toString('base64'),
    TRACKING_SALT: randomBytes(16).toString('base64'),
    COMMISSION_PUBLIC_KEY: publicKey,
    IDENTITY_PUBLIC_KEY: identity.publicKey,
    NOTICE_SECRET: randomBytes(32).toString('base64'),
    TOTP_SECRET_KEY: randomBytes(32).toString('base64'),
  };
  writeFileSync(devCommissionPrivateKeyPath(dataDir), privateKey, { mode: 0o600, flag: 'wx' });
  writeFileSync(devIdentityPrivateKeyPath(dataDir), identity.privateKey, { mode: 0o600, flag: 'wx' });
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600, flag: 'wx' });
  return secrets;
}

// The authenticator secrets sealed under SESSION_SECRET before are moved to this key at start (staff/totp-key-upgrade.ts).
function withTotpKey(file: string, secrets: DevSecrets): DevSecrets {
  if (secrets.TOTP_SECRET_KEY) return secrets;
  const updated = { ...secrets, TOTP_SECRET_KEY: randomBytes(32).toString('base64') };
  writeFileSync(file, JSON.stringify(updated, null, 2), { mode: 0o600 });
  return updated;
}
