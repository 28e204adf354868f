import { generateKeyPairSync } from 'node:crypto';
import {
  CommissionKeyMismatchError,
  commissionKeyId,
  commissionKeyIdOfPrivateKey,
  generateCommissionKeyPair,
  openFromCommission,
  sealToCommission,
} from '../../../server/cases/sealing/commission-key';
import { newDataKey, SealBrokenError } from '../../../server/cases/sealing/content-box';

const commission = generateCommissionKeyPair();

function flipBase64(value: string, offset: number): string {
  const bytes = Buffer.from(value, 'base64');
  bytes[offset] ^= 0x01;
  return bytes.toString('base64');
}

describe('commission key', () => {
  it('when a key pair is generated, then both halves are X25519 PEMs and the key id is 16 hex digits of the public key', () => {
    expect(commission.publicKeyPem).toContain('BEGIN PUBLIC KEY');
    expect(commission.privateKeyPem).toContain('BEGIN PRIVATE KEY');
    expect(commission.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(commissionKeyId(commission.publicKeyPem)).toBe(commission.keyId);
    expect(commissionKeyIdOfPrivateKey(commission.privateKeyPem)).toBe(commission.keyId);
    expect(generateCommissionKeyPair().keyId).not.toBe(commission.keyId);
  });

  it('when a data key is sealed to the commission, then the private key opens it', () => {
    const dataKey = newDataKey();
    const sealed = sealToCommission(commission.publicKeyPem, dataKey);
    expect(sealed.keyId).toBe(commission.keyId);
    expect(openFromCommission(commission.privateKeyPem, sealed).equals(dataKey)).toBe(true);
  });

  it('when the same data key is sealed twice, then each seal has its own ephemeral key and box', () => {
    const dataKey = newDataKey();
    const first = sealToCommission(commission.publicKeyPem, dataKey);
    const second = sealToCommission(commission.publicKeyPem, dataKey);
    expect(first.ephemeralPublicKey).not.toBe(second.ephemeralPublicKey);
    expect(first.box).not.toBe(second.box);
    expect(Buffer.from(first.box, 'base64').includes(dataKey)).toBe(false);
  });

  it('when a seal survives a JSON round trip (as stored in MongoDB), then it still opens', () => {
    const dataKey = newDataKey();
    const stored = JSON.parse(JSON.stringify(sealToCommission(commission.publicKeyPem, dataKey)));
    expect(openFromCommission(commission.privateKeyPem, stored).equals(dataKey)).toBe(true);
  });

  it('when another commission private key is used, then opening throws CommissionKeyMismatchError', () => {
    const sealed = sealToCommission(commission.publicKeyPem, newDataKey());
    expect(() => openFromCommission(generateCommissionKeyPair().privateKeyPem, sealed)).toThrow(CommissionKeyMismatchError);
  });

  it('when the key id is relabelled to match another private key, then the box still refuses to open', () => {
    const other = generateCommissionKeyPair();
    const sealed = sealToCommission(commission.publicKeyPem, newDataKey());
    expect(() => openFromCommission(other.privateKeyPem, { ...sealed, keyId: other.keyId })).toThrow(SealBrokenError);
  });

  it('when the box or the ephemeral public key is altered, then opening fails', () => {
    const sealed = sealToCommission(commission.publicKeyPem, newDataKey());
    expect(() => openFromCommission(commission.privateKeyPem, { ...sealed, box: flipBase64(sealed.box, 20) })).toThrow(SealBrokenError);
    expect(() =>
      openFromCommission(commission.privateKeyPem, { ...sealed, ephemeralPublicKey: flipBase64(sealed.ephemeralPublicKey, 3) }),
    ).toThrow(SealBrokenError);
    const replacement = sealToCommission(commission.publicKeyPem, newDataKey()).ephemeralPublicKey;
    expect(() => openFromCommission(commission.privateKeyPem, { ...sealed, ephemeralPublicKey: replacement })).toThrow(SealBrokenError);
  });

  it('when the ephemeral public key is a low-order point, then opening refuses it', () => {
    const sealed = sealToCommission(commission.publicKeyPem, newDataKey());
    const zeroPoint = Buffer.alloc(32).toString('base64');
    expect(() => openFromCommission(commission.privateKeyPem, { ...sealed, ephemeralPublicKey: zeroPoint })).toThrow();
  });

  it('when the configured "public" key is actually the private key, then sealing refuses it', () => {
    expect(() => sealToCommission(commission.privateKeyPem, newDataKey())).toThrow(/private key/);
  });

  it('when the key is not X25519, then sealing and opening refuse it', () => {
    const ed = generateKeyPairSync('ed25519', {
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    expect(() => sealToCommission(ed.publicKey, newDataKey())).toThrow(/X25519/);
    const sealed = sealToCommission(commission.publicKeyPem, newDataKey());
    expect(() => openFromCommission(ed.privateKey, sealed)).toThrow(/X25519/);
  });
});
