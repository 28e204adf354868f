import { randomBytes } from 'node:crypto';
import {
  deriveCaseTrackingKeys,
  deriveLegacyTrackingKeys,
  formatTrackingCode,
  joinTrackingCode,
  normalizeTrackingCode,
  splitTrackingCode,
  trackingCodeArgon2Parameters,
} from '../../../server/cases/sealing/tracking-code';
import { codeMaterialForToken, formTokenKeys, issueFormToken } from '../../../server/reports/form-token';

const code = '01234567890123456789';
const legacyCode = '0123456789012345';
const salt = randomBytes(32);
const caseSalt = randomBytes(16);
const secret = splitTrackingCode(code).secret;

describe('tracking codes from form tokens', () => {
  const keys = formTokenKeys('a session secret of the installation');

  it('when a form token gives its code material, then the secret has 14 digits and each of the sixteen locators 6', () => {
    for (let i = 0; i < 50; i += 1) {
      const material = codeMaterialForToken(keys, issueFormToken(keys, 'browser'));
      expect(material.secret).toMatch(/^[0-9]{14}$/);
      expect(material.locators).toHaveLength(16);
      for (const locator of material.locators) expect(locator).toMatch(/^[0-9]{6}$/);
      expect(material.caseSalt.length).toBe(16);
    }
  });

  it('when the same token is read twice, then it gives the same material; another token gives another', () => {
    const token = issueFormToken(keys, 'browser');
    const again = codeMaterialForToken(keys, token);
    expect(codeMaterialForToken(keys, token)).toEqual(again);
    const other = codeMaterialForToken(keys, issueFormToken(keys, 'browser'));
    expect(other.secret).not.toBe(again.secret);
    expect(other.caseSalt.equals(again.caseSalt)).toBe(false);
  });

  it('when many tokens are read, then every digit of the secret appears at every position in roughly equal measure', () => {
    const samples = 5000;
    const counts = Array.from({ length: 14 }, () => new Array<number>(10).fill(0));
    for (let i = 0; i < samples; i += 1) {
      [...codeMaterialForToken(keys, issueFormToken(keys, 'browser')).secret].forEach((digit, position) => (counts[position][Number(digit)] += 1));
    }
    // Expected 500 per cell, standard deviation ~21: 380..620 is more than 5 sigma either way.
    for (const position of counts) {
      for (const count of position) expect(count).toBeGreaterThan(380);
      for (const count of position) expect(count).toBeLessThan(620);
    }
  });
});

describe('tracking code normalisation', () => {
  it.each([
    ['plain digits', '01234567890123456789'],
    ['grouped with spaces', '0123 4567 8901 2345 6789'],
    ['grouped with hyphens', '0123-4567-8901-2345-6789'],
    ['surrounded by whitespace and a newline', '  0123 4567 8901 2345 6789\n'],
    ['full-width digits', '０１２３４５６７８９０１２３４５６７８９'],
    ['full-width digits, full-width hyphens and ideographic spaces', '０１２３－４５６７\u3000８９０１\u3000２３４５\u3000６７８９'],
    ['mixed widths', '0123 ４５６７-8901 ２３４５ 6789'],
  ])('when the code is typed as %s, then it normalises to the plain digits', (_, input) => {
    expect(normalizeTrackingCode(input)).toBe(code);
  });

  it.each([
    ['15 digits', '012345678901234'],
    ['17 digits', '01234567890123456'],
    ['19 digits', '0123456789012345678'],
    ['21 digits', '012345678901234567890'],
    ['a letter', '0123456789O123456789'],
    ['letters only', 'abcdefghijklmnop'],
    ['Arabic-Indic digits', '٠١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦٧٨٩'],
    ['a dot separator', '0123.4567.8901.2345.6789'],
    ['an empty string', ''],
    ['a huge string of digits and spaces', '1 '.repeat(10_000)],
    ['a number', 123456789012345],
    ['an array of the digits', [...code]],
    ['an array holding the code', [code]],
    ['an object', { code }],
    ['an object with toString', { toString: () => code }],
    ['undefined', undefined],
    ['null', null],
  ])('when the input is %s, then it is rejected with null', (_, input) => {
    expect(normalizeTrackingCode(input)).toBeNull();
  });

  it('when a legacy 16-digit code is typed, then it normalises too', () => {
    expect(normalizeTrackingCode('0123 ４５６７-8901 2345')).toBe(legacyCode);
  });

  it('when a code is formatted, then it reads as five groups of four (a legacy code as four)', () => {
    expect(formatTrackingCode(code)).toBe('0123 4567 8901 2345 6789');
    expect(normalizeTrackingCode(formatTrackingCode(code))).toBe(code);
    expect(formatTrackingCode(legacyCode)).toBe('0123 4567 8901 2345');
  });

  it('when a code is split, then its first six digits are the locator and the rest the secret', () => {
    expect(splitTrackingCode(code)).toEqual({ locator: '012345', secret: '67890123456789' });
    expect(joinTrackingCode(splitTrackingCode(code))).toBe(code);
    expect(() => splitTrackingCode(legacyCode)).toThrow(TypeError);
  });

  it('when garbage is formatted, then formatting throws rather than display it', () => {
    expect(() => formatTrackingCode('12345')).toThrow(TypeError);
  });
});

describe('tracking keys', () => {
  it('when the argon2 parameters are read, then they are the OWASP argon2id baseline', () => {
    expect(trackingCodeArgon2Parameters).toEqual({ type: 2, memoryCost: 19456, timeCost: 2, parallelism: 1, hashLength: 32 });
  });

  it('when the same secret and salts are derived twice, then the verifier and wrap key are the same', async () => {
    const first = await deriveCaseTrackingKeys(secret, caseSalt, salt);
    const second = await deriveCaseTrackingKeys(secret, caseSalt, salt);
    expect(first.lookupId).toMatch(/^[0-9a-f]{64}$/);
    expect(second.lookupId).toBe(first.lookupId);
    expect(second.wrapKey.equals(first.wrapKey)).toBe(true);
  });

  it('when the case salt differs, then the verifier and wrap key differ: a guess is tied to one case', async () => {
    const first = await deriveCaseTrackingKeys(secret, caseSalt, salt);
    const other = await deriveCaseTrackingKeys(secret, randomBytes(16), salt);
    expect(other.lookupId).not.toBe(first.lookupId);
    expect(other.wrapKey.equals(first.wrapKey)).toBe(false);
  });

  it('when the installation salt differs, then the verifier differs: the database alone tests no guess', async () => {
    const first = await deriveCaseTrackingKeys(secret, caseSalt, salt);
    const other = await deriveCaseTrackingKeys(secret, caseSalt, randomBytes(32));
    expect(other.lookupId).not.toBe(first.lookupId);
  });

  it('when the secret differs by one digit, then the verifier differs', async () => {
    const first = await deriveCaseTrackingKeys(secret, caseSalt, salt);
    const other = await deriveCaseTrackingKeys(`${secret.slice(0, 13)}${(Number(secret[13]) + 1) % 10}`, caseSalt, salt);
    expect(other.lookupId).not.toBe(first.lookupId);
  });

  it('when keys are derived, then the wrap key shares no bytes with the verifier', async () => {
    const { lookupId, wrapKey } = await deriveCaseTrackingKeys(secret, caseSalt, salt);
    const lookupBytes = Buffer.from(lookupId, 'hex');
    expect(wrapKey.length).toBe(32);
    expect(wrapKey.equals(lookupBytes)).toBe(false);
    expect(lookupBytes.includes(wrapKey.subarray(0, 8))).toBe(false);
    expect(wrapKey.includes(lookupBytes.subarray(0, 8))).toBe(false);
  });

  it('when a legacy code is derived, then it gives the lookup id of the first scheme, the same for every spelling', async () => {
    const plain = await deriveLegacyTrackingKeys(legacyCode, salt);
    const typed = await deriveLegacyTrackingKeys('０１２３ 4567-8901 2345', salt);
    expect(plain.lookupId).toMatch(/^[0-9a-f]{64}$/);
    expect(typed.lookupId).toBe(plain.lookupId);
    expect((await deriveLegacyTrackingKeys(legacyCode, randomBytes(32))).lookupId).not.toBe(plain.lookupId);
  });

  it('when the input is not a secret or a salt is too short, then derivation rejects', async () => {
    await expect(deriveCaseTrackingKeys('not a secret', caseSalt, salt)).rejects.toThrow(TypeError);
    await expect(deriveCaseTrackingKeys(secret, Buffer.alloc(8), salt)).rejects.toThrow(TypeError);
    await expect(deriveCaseTrackingKeys(secret, caseSalt, Buffer.alloc(8))).rejects.toThrow(TypeError);
    await expect(deriveLegacyTrackingKeys(code, salt)).rejects.toThrow(TypeError);
  });
});
