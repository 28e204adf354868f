import { commissionKeyId, generateCommissionKeyPair } from '../../../server/cases/sealing/commission-key';
import {
  staffKeyWrapArgon2Parameters,
  unwrapPrivateKeyForStaff,
  wrapPrivateKeyForStaff,
  WrongPasswordError,
  type WrappedPrivateKey,
} from '../../../server/cases/sealing/staff-key-wrap';

const commission = generateCommissionKeyPair();
const password = 'correct horse 清风 battery';

describe('staff key wrap', () => {
  let wrapped: WrappedPrivateKey;
  beforeAll(async () => {
    wrapped = await wrapPrivateKeyForStaff(commission.privateKeyPem, password);
  });

  it('when a private key is wrapped, then the record is plain JSON with the key id and argon2 parameters and no PEM', () => {
    expect(JSON.parse(JSON.stringify(wrapped))).toEqual(wrapped);
    expect(wrapped.keyId).toBe(commissionKeyId(commission.publicKeyPem));
    expect(wrapped.kdf).toMatchObject({ algorithm: 'argon2id', ...staffKeyWrapArgon2Parameters });
    expect(Buffer.from(wrapped.kdf.salt, 'base64').length).toBe(16);
    expect(JSON.stringify(wrapped)).not.toContain('PRIVATE KEY');
    const pemBody = commission.privateKeyPem.split('\n')[1];
    expect(JSON.stringify(wrapped)).not.toContain(pemBody);
  });

  it('when the right password is given, then the private key comes back unchanged', async () => {
    await expect(unwrapPrivateKeyForStaff(wrapped, password)).resolves.toBe(commission.privateKeyPem);
  });

  it('when the record went through JSON (as stored), then it still unwraps', async () => {
    const stored = JSON.parse(JSON.stringify(wrapped)) as WrappedPrivateKey;
    await expect(unwrapPrivateKeyForStaff(stored, password)).resolves.toBe(commission.privateKeyPem);
  });

  it.each([
    ['a different password', 'correct horse 清风 batterY'],
    ['the password with a trailing space', `${password} `],
    ['an empty password', ''],
  ])('when %s is given, then unwrapping throws WrongPasswordError', async (_, attempt) => {
    await expect(unwrapPrivateKeyForStaff(wrapped, attempt)).rejects.toThrow(WrongPasswordError);
  });

  it('when the password is typed in decomposed Unicode, then it still unwraps', async () => {
    const accented = 'café-清风-2024';
    const wrappedAccented = await wrapPrivateKeyForStaff(commission.privateKeyPem, accented.normalize('NFC'));
    await expect(unwrapPrivateKeyForStaff(wrappedAccented, accented.normalize('NFD'))).resolves.toBe(commission.privateKeyPem);
  });

  it('when the same key is wrapped twice with the same password, then the salts and boxes differ', async () => {
    const again = await wrapPrivateKeyForStaff(commission.privateKeyPem, password);
    expect(again.kdf.salt).not.toBe(wrapped.kdf.salt);
    expect(again.box).not.toBe(wrapped.box);
  });

  it('when the stored salt or key id is altered, then the right password no longer opens it', async () => {
    const otherSalt = Buffer.alloc(16, 7).toString('base64');
    await expect(unwrapPrivateKeyForStaff({ ...wrapped, kdf: { ...wrapped.kdf, salt: otherSalt } }, password)).rejects.toThrow(
      WrongPasswordError,
    );
    await expect(unwrapPrivateKeyForStaff({ ...wrapped, keyId: generateCommissionKeyPair().keyId }, password)).rejects.toThrow(
      WrongPasswordError,
    );
  });

  it('when the stored parameters are lowered or absurd, then unwrapping refuses before running argon2', async () => {
    const lowered = { ...wrapped, kdf: { ...wrapped.kdf, timeCost: 2 } };
    await expect(unwrapPrivateKeyForStaff(lowered, password)).rejects.toThrow(WrongPasswordError);
    const huge = { ...wrapped, kdf: { ...wrapped.kdf, memoryCost: 2 ** 31 } };
    await expect(unwrapPrivateKeyForStaff(huge, password)).rejects.toThrow(/memoryCost/);
    const fractional = { ...wrapped, kdf: { ...wrapped.kdf, parallelism: 1.5 } };
    await expect(unwrapPrivateKeyForStaff(fractional, password)).rejects.toThrow(/parallelism/);
  });

  it('when a wrap is requested with an empty password, then it is refused', async () => {
    await expect(wrapPrivateKeyForStaff(commission.privateKeyPem, '')).rejects.toThrow(TypeError);
  });
});
