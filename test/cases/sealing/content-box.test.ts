import { newDataKey, open, openJson, seal, SealBrokenError, sealJson } from '../../../server/cases/sealing/content-box';

const context = 'case:64f0c0ffee:description';
const plaintext = Buffer.from('镇政府采购项目存在围标问题 — the reporter saw it on 3 May', 'utf8');

// Offsets follow the documented layout: version | IV (12) | tag (16) | ciphertext.
const parts = { version: 0, iv: 1, tag: 13, ciphertext: 29 } as const;

function flipByteAt(box: Buffer, offset: number): Buffer {
  const copy = Buffer.from(box);
  copy[offset] ^= 0x01;
  return copy;
}

describe('content box', () => {
  it('when a plaintext is sealed and opened with the same key and context, then the plaintext comes back', () => {
    const key = newDataKey();
    expect(open(key, seal(key, plaintext, context), context).equals(plaintext)).toBe(true);
  });

  it('when a box is sealed, then it has the documented layout and does not contain the plaintext', () => {
    const key = newDataKey();
    const box = seal(key, plaintext, context);
    expect(box[0]).toBe(1);
    expect(box.length).toBe(1 + 12 + 16 + plaintext.length);
    expect(box.includes(plaintext.subarray(0, 8))).toBe(false);
  });

  it('when the same plaintext is sealed twice, then the IVs and ciphertexts differ', () => {
    const key = newDataKey();
    const first = seal(key, plaintext, context);
    const second = seal(key, plaintext, context);
    expect(first.subarray(1, 13).equals(second.subarray(1, 13))).toBe(false);
    expect(first.subarray(29).equals(second.subarray(29))).toBe(false);
  });

  it.each(Object.entries(parts))('when one bit of the %s is flipped, then opening throws SealBrokenError', (_, offset) => {
    const key = newDataKey();
    const box = seal(key, plaintext, context);
    expect(() => open(key, flipByteAt(box, offset), context)).toThrow(SealBrokenError);
  });

  it('when the last ciphertext byte is flipped, then opening throws SealBrokenError', () => {
    const key = newDataKey();
    const box = seal(key, plaintext, context);
    expect(() => open(key, flipByteAt(box, box.length - 1), context)).toThrow(SealBrokenError);
  });

  it('when a box is truncated or empty, then opening throws SealBrokenError', () => {
    const key = newDataKey();
    const box = seal(key, plaintext, context);
    expect(() => open(key, box.subarray(0, box.length - 1), context)).toThrow(SealBrokenError);
    expect(() => open(key, box.subarray(0, 20), context)).toThrow(SealBrokenError);
    expect(() => open(key, Buffer.alloc(0), context)).toThrow(SealBrokenError);
  });

  it('when a box is opened under another context, then it is refused', () => {
    const key = newDataKey();
    const box = seal(key, plaintext, context);
    expect(() => open(key, box, 'case:64f0c0ffee:reporter-name')).toThrow(SealBrokenError);
    expect(() => open(key, box, 'case:64f0c0ffef:description')).toThrow(SealBrokenError);
  });

  it('when a box is opened with another key, then it is refused', () => {
    const box = seal(newDataKey(), plaintext, context);
    expect(() => open(newDataKey(), box, context)).toThrow(SealBrokenError);
  });

  it('when an empty plaintext is sealed, then it round-trips and is still authenticated', () => {
    const key = newDataKey();
    const box = seal(key, Buffer.alloc(0), context);
    expect(open(key, box, context).length).toBe(0);
    expect(() => open(key, box, 'other')).toThrow(SealBrokenError);
  });

  it('when the key is not 32 bytes, then sealing and opening throw', () => {
    expect(() => seal(Buffer.alloc(16), plaintext, context)).toThrow(TypeError);
    expect(() => open(Buffer.alloc(31), seal(newDataKey(), plaintext, context), context)).toThrow(TypeError);
  });

  it('when a JSON value is sealed, then openJson returns an equal value and refuses a wrong context', () => {
    const key = newDataKey();
    const value = { name: '张三', phone: '13800000000', contactAllowed: false, tags: ['工程', '补贴'] };
    const box = sealJson(key, value, context);
    expect(openJson<typeof value>(key, box, context)).toEqual(value);
    expect(() => openJson(key, box, 'case:other:identity')).toThrow(SealBrokenError);
  });

  it('when undefined is sealed as JSON, then it is refused instead of sealing nothing', () => {
    expect(() => sealJson(newDataKey(), undefined, context)).toThrow(TypeError);
  });

  it('when a data key is created, then it is 32 random bytes', () => {
    const first = newDataKey();
    expect(first.length).toBe(32);
    expect(first.equals(newDataKey())).toBe(false);
  });
});
