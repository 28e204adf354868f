/**
 * The commission's key pair. Data keys are sealed to its public key (which the
 * web server knows, from configuration) and only the private key opens them
 * (which the web server never holds unwrapped; see staff-key-wrap.ts).
 *
 * Sealing is ECIES-style: a fresh X25519 key pair per seal, Diffie-Hellman with
 * the commission's public key, HKDF-SHA256 over the shared secret, then an
 * AES-256-GCM content box. The key id travels with each seal so that, after a
 * rotation, the commission knows which of its private keys to unlock.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  type KeyObject,
} from 'node:crypto';
import { open, seal } from './content-box';

export interface CommissionKeyPair {
  keyId: string;
  publicKeyPem: string;
  privateKeyPem: string;
}

/** Plain JSON so it can be stored on the case document as it is. */
export interface SealedForCommission {
  keyId: string;
  /** base64 of the raw 32-byte X25519 public key */
  ephemeralPublicKey: string;
  /** base64 content box holding the data key */
  box: string;
}

export class CommissionKeyMismatchError extends Error {
  override readonly name = 'CommissionKeyMismatchError';
  constructor(expectedKeyId: string, actualKeyId: string) {
    super(`Sealed for commission key ${expectedKeyId}, but the key given is ${actualKeyId}`);
  }
}

const hkdfInfo = 'qingfeng commission seal v1';

export function generateCommissionKeyPair(): CommissionKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('x25519');
  return {
    keyId: keyIdOf(publicKey),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

export function commissionKeyId(publicKeyPem: string): string {
  return keyIdOf(x25519PublicKey(publicKeyPem));
}

/** The id of the public half; lets staff check an unwrapped private key against a seal. */
export function commissionKeyIdOfPrivateKey(privateKeyPem: string): string {
  return keyIdOf(createPublicKey(x25519PrivateKey(privateKeyPem)));
}

export function sealToCommission(publicKeyPem: string, dataKey: Buffer): SealedForCommission {
  const recipient = x25519PublicKey(publicKeyPem);
  const ephemeral = generateKeyPairSync('x25519');
  const ephemeralRaw = rawPublicKey(ephemeral.publicKey);
  const keyId = keyIdOf(recipient);
  const sealKey = deriveSealKey(
    diffieHellman({ privateKey: ephemeral.privateKey, publicKey: recipient }),
    ephemeralRaw,
    rawPublicKey(recipient),
  );
  const box = seal(sealKey, dataKey, sealContext(keyId));
  sealKey.fill(0);
  return { keyId, ephemeralPublicKey: ephemeralRaw.toString('base64'), box: box.toString('base64') };
}

export function openFromCommission(privateKeyPem: string, sealed: SealedForCommission): Buffer {
  const privateKey = x25519PrivateKey(privateKeyPem);
  const ownPublic = createPublicKey(privateKey);
  const ownKeyId = keyIdOf(ownPublic);
  if (sealed.keyId !== ownKeyId) throw new CommissionKeyMismatchError(sealed.keyId, ownKeyId);
  const ephemeralRaw = Buffer.from(sealed.ephemeralPublicKey, 'base64');
  const sealKey = deriveSealKey(
    diffieHellman({ privateKey, publicKey: publicKeyFromRaw(ephemeralRaw) }),
    ephemeralRaw,
    rawPublicKey(ownPublic),
  );
  try {
    return open(sealKey, Buffer.from(sealed.box, 'base64'), sealContext(ownKeyId));
  } finally {
    sealKey.fill(0);
  }
}

// Both public keys go into the salt so the derived key is bound to this exact
// pair, not merely to the shared secret (HPKE's DHKEM does the same with enc || pkR).
function deriveSealKey(sharedSecret: Buffer, ephemeralRaw: Buffer, recipientRaw: Buffer): Buffer {
  if (sharedSecret.every((byte) => byte === 0)) {
    throw new Error('X25519 produced an all-zero secret: the ephemeral public key is invalid');
  }
  const salt = Buffer.concat([ephemeralRaw, recipientRaw]);
  const key = Buffer.from(hkdfSync('sha256', sharedSecret, salt, hkdfInfo, 32));
  sharedSecret.fill(0);
  return key;
}

function sealContext(keyId: string): string {
  return `commission-seal:${keyId}`;
}

function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(rawPublicKey(publicKey)).digest('hex').slice(0, 16);
}

function rawPublicKey(publicKey: KeyObject): Buffer {
  const { x } = publicKey.export({ format: 'jwk' });
  return Buffer.from(x as string, 'base64url');
}

function publicKeyFromRaw(raw: Buffer): KeyObject {
  if (raw.length !== 32) throw new Error('An X25519 public key is 32 bytes');
  return createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: raw.toString('base64url') }, format: 'jwk' });
}

// Refusing other curves here keeps a misconfigured RSA or Ed25519 key from
// failing later, deep inside diffieHellman, with a less helpful message.
function x25519PublicKey(pem: string): KeyObject {
  // createPublicKey would happily derive a public key from a private PEM, which
  // would hide a private key pasted into the web server's configuration.
  if (/PRIVATE KEY/.test(pem)) throw new Error('Expected the commission public key, got a private key');
  const key = createPublicKey(pem);
  if (key.asymmetricKeyType !== 'x25519') throw new Error('The commission public key must be an X25519 key');
  return key;
}

function x25519PrivateKey(pem: string): KeyObject {
  const key = createPrivateKey(pem);
  if (key.asymmetricKeyType !== 'x25519') throw new Error('The commission private key must be an X25519 key');
  return key;
}
