import { randomBytes } from 'node:crypto';
import {
  deriveTrackingKeys,
  formatTrackingCode,
  generateTrackingCode,
  normalizeTrackingCode,
  trackingCodeArgon2Parameters,
} from '../../../server/cases/sealing/tracking-code';

const code = '0123456789012345';
const salt = randomBytes(32);

describe('tracking code generation', () => {
  it('when a code is generated, then it is 16 ASCII decimal digits', () => {
    for (let i = 0; i < 200; i += 1) expect(generateTrackingCode()).toMatch(/^[0-9]{16}$/);
  });

  it('when many codes are generated, then every digit appears at every position in roughly equal measure', () => {
    const samples = 5000;
    const counts = Array.from({ length: 16 }, () => new Array<number>(10).fill(0));
    const seen = new Set<string>();
    for (let i = 0; i < samples; i += 1) {
      const generated = generateTrackingCode();
      seen.add(generated);
      [...generated].forEach((digit, position) => (counts[position][Number(digit)] += 1));
    }
    // Expected 500 per cell, standard deviation ~21: 380..620 is more than 5 sigma either way.
    for (const position of counts) {
      for (const count of position) expect(count).toBeGreaterThan(380);
      for (const count of position) expect(count).toBeLessThan(620);
    }
    expect(seen.size).toBe(samples);
  });
});

describe('tracking code normalisation', () => {
  it.each([
    ['plain digits', '0123456789012345'],
    ['grouped with spaces', '0123 4567 8901 2345'],
    ['grouped with hyphens', '0123-4567-8901-2345'],
    ['surrounded by whitespace and a newline', '  0123 4567 8901 2345\n'],
    ['full-width digits', '０１２３４５６７８９０１２３４５'],
    ['full-width digits, full-width hyphens and ideographic spaces', '０１２３－４５６７\u3000８９０１\u3000２３４５'],
    ['mixed widths', '0123 ４５６７-8901 ２３４５'],
  ])('when the code is typed as %s, then it normalises to the plain digits', (_, input) => {
    expect(normalizeTrackingCode(input)).toBe(code);
  });

  it.each([
    ['15 digits', '012345678901234'],
    ['17 digits', '01234567890123456'],
    ['a letter', '0123456789O12345'],
    ['letters only', 'abcdefghijklmnop'],
    ['Arabic-Indic digits', '٠١٢٣٤٥٦٧٨٩٠١٢٣٤٥'],
    ['a dot separator', '0123.4567.8901.2345'],
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

  it('when a code is formatted, then it reads as four groups of four', () => {
    expect(formatTrackingCode(code)).toBe('0123 4567 8901 2345');
    expect(normalizeTrackingCode(formatTrackingCode(code))).toBe(code);
  });

  it('when garbage is formatted, then formatting throws rather than display it', () => {
    expect(() => formatTrackingCode('12345')).toThrow(TypeError);
  });
});

describe('tracking keys', () => {
  it('when the argon2 parameters are read, then they are the OWASP argon2id baseline', () => {
    expect(trackingCodeArgon2Parameters).toEqual({ type: 2, memoryCost: 19456, timeCost: 2, parallelism: 1, hashLength: 32 });
  });

  it('when the same code and salt are derived twice, then the lookup id and wrap key are the same', async () => {
    const first = await deriveTrackingKeys(code, salt);
    const second = await deriveTrackingKeys(code, salt);
    expect(first.lookupId).toMatch(/^[0-9a-f]{64}$/);
    expect(second.lookupId).toBe(first.lookupId);
    expect(second.wrapKey.equals(first.wrapKey)).toBe(true);
  });

  it('when the code is typed differently, then it derives the same keys as the plain digits', async () => {
    const plain = await deriveTrackingKeys(code, salt);
    const typed = await deriveTrackingKeys('０１２３ 4567-8901 2345', salt);
    expect(typed.lookupId).toBe(plain.lookupId);
  });

  it('when the salt differs, then the lookup id and wrap key differ', async () => {
    const first = await deriveTrackingKeys(code, salt);
    const other = await deriveTrackingKeys(code, randomBytes(32));
    expect(other.lookupId).not.toBe(first.lookupId);
    expect(other.wrapKey.equals(first.wrapKey)).toBe(false);
  });

  it('when the code differs by one digit, then the lookup id differs', async () => {
    const first = await deriveTrackingKeys(code, salt);
    const other = await deriveTrackingKeys('0123456789012346', salt);
    expect(other.lookupId).not.toBe(first.lookupId);
  });

  it('when keys are derived, then the wrap key shares no bytes with the lookup id', async () => {
    const { lookupId, wrapKey } = await deriveTrackingKeys(code, salt);
    const lookupBytes = Buffer.from(lookupId, 'hex');
    expect(wrapKey.length).toBe(32);
    expect(wrapKey.equals(lookupBytes)).toBe(false);
    expect(lookupBytes.includes(wrapKey.subarray(0, 8))).toBe(false);
    expect(wrapKey.includes(lookupBytes.subarray(0, 8))).toBe(false);
  });

  it('when the code is invalid or the salt too short, then derivation rejects', async () => {
    await expect(deriveTrackingKeys('not a code', salt)).rejects.toThrow(TypeError);
    await expect(deriveTrackingKeys(code, Buffer.alloc(8))).rejects.toThrow(TypeError);
  });
});
