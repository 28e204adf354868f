/**
 * Hostile form submissions for the property tests: strings that break
 * naive code (direction overrides, zero-width and control characters, lone
 * surrogates, emoji sequences, megabyte values), field names that other
 * body parsers turn into operators or prototype writes (`unit[$ne]`,
 * `__proto__`, `constructor[prototype]`), repeated fields and raw bytes that
 * are not UTF-8 — encoded by hand, because ordinary clients refuse to send
 * most of them.
 */
import fc from 'fast-check';
import http from 'node:http';

/** A string, or raw bytes for what no string can express (invalid UTF-8). */
export type Value = string | Buffer;

export interface Part {
  name: Value;
  value: Value;
  /** Present for file parts. */
  filename?: Value;
  contentType?: string;
}

const fragments = [
  '\u202e', '\u202d', '\u2066', '\u2069', '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad',
  '\u0000', '\u0001', '\u0008', '\u001b[31m', '\u007f', '\u0085', '\u2028', '\u2029', '\r\n', '\r', '\n', '\t', '\u00a0', '\u3000',
  '\ud800', '\udbff', '\udc00', '\udfff', '\ud83d', '😀', '👩‍👩‍👧‍👦', '🇨🇳', 'e\u0301', 'ǅ', 'ﬁ', '１２３４', '٣٤', '߷',
  '"', "'", '`', '<', '>', '&', '&amp;', '<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '{{t "x"}}', '{{{body}}}', '${1}',
  '%00', '%', '%zz', '+', '=', '&&', ';', '../', '..\\', '\\', '/', '//evil.example', 'javascript:alert(1)',
  '{"$ne":null}', '$ne', '$where', '$gt', '.', 'null', 'undefined', 'NaN', '-1', '1e309', '0x10', 'true', '[]', '{}',
  '1234 5678 9012 3456', '0000000000000000', 'yes', 'other', 'xzspj', '投诉举报', '办理施工许可时窗口工作人员暗示需要好处费',
];

export const shortText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.constantFrom(...fragments), { maxLength: 12 }).map((parts) => parts.join('')) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
);

/** From a few kilobytes to about a megabyte, built from a hostile piece. */
export const longText: fc.Arbitrary<string> = fc
  .record({ piece: shortText, length: fc.integer({ min: 4_000, max: 1_000_000 }) })
  .map(({ piece, length }) => {
    const unit = piece.length > 0 ? piece : '字';
    return unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
  });

export const rawBytes: fc.Arbitrary<Buffer> = fc.oneof(
  fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes)),
  // Overlong NUL, a UTF-16 surrogate written as UTF-8, stray continuation bytes, a BOM.
  fc.constantFrom(Buffer.from([0xc0, 0x80]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0x80, 0xbf]), Buffer.from([0xff, 0xfe, 0x00]), Buffer.from([0xef, 0xbb, 0xbf])),
);

export const hostileValue: fc.Arbitrary<Value> = fc.oneof(
  { weight: 12, arbitrary: shortText },
  { weight: 1, arbitrary: longText },
  { weight: 2, arbitrary: rawBytes },
);

const suffixes = ['[$ne]', '[$gt]', '[$regex]', '[$where]', '[]', '[0]', '[1]', '[__proto__]', '[constructor]', '[prototype]', '[a][b][c]', '.$where', '.__proto__'];
const prototypeNames = [
  '__proto__', '__proto__[polluted]', '__proto__.polluted', 'constructor', 'constructor[prototype]', 'constructor[prototype][polluted]',
  'prototype', 'hasOwnProperty', 'toString', 'valueOf', '$where', '$ne', '[]', '',
];

/** A field name: one the form knows, the same with an operator or index, a prototype key, or noise. */
export function hostileName(knownNames: readonly string[]): fc.Arbitrary<Value> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...knownNames) },
    { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...knownNames), fc.constantFrom(...suffixes)).map(([name, suffix]) => name + suffix) },
    { weight: 2, arbitrary: fc.constantFrom(...prototypeNames) },
    { weight: 1, arbitrary: shortText },
    { weight: 1, arbitrary: rawBytes },
  );
}

export type Mutation =
  | { op: 'set'; name: Value; value: Value }
  | { op: 'add'; name: Value; value: Value }
  | { op: 'remove'; name: Value }
  | { op: 'file'; name: Value; filename: Value; bytes: Buffer; contentType: string };

function mutation(name: fc.Arbitrary<Value>, fileBytes: fc.Arbitrary<Buffer>): fc.Arbitrary<Mutation> {
  return fc.oneof(
    { weight: 5, arbitrary: fc.record({ op: fc.constant('set' as const), name, value: hostileValue }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('add' as const), name, value: hostileValue }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('remove' as const), name }) },
    {
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant('file' as const),
        name: fc.oneof({ weight: 3, arbitrary: fc.constant('evidence') }, { weight: 1, arbitrary: name }),
        filename: fc.oneof(fc.constantFrom('photo.jpg', '../../etc/passwd', 'a\u202egpj.exe', 'C:\\x\\y.pdf', ''), shortText),
        bytes: fileBytes,
        contentType: fc.constantFrom('image/jpeg', 'image/png', 'application/pdf', 'text/html', 'application/octet-stream', 'image/svg+xml'),
      }),
    },
  );
}

/**
 * Half the time only the form's own fields get hostile values (which reach
 * validation and storage); the other half anything goes, names included
 * (which mostly ends at the parser or the strict schema).
 */
export function mutations(knownNames: readonly string[], fileBytes: fc.Arbitrary<Buffer>): fc.Arbitrary<Mutation[]> {
  return fc.oneof(
    fc.array(mutation(fc.constantFrom<Value>(...knownNames), fileBytes), { minLength: 1, maxLength: 5 }),
    fc.array(mutation(hostileName(knownNames), fileBytes), { minLength: 1, maxLength: 6 }),
  );
}

const same = (a: Value, b: Value): boolean => toBytes(a).equals(toBytes(b));

export function applyMutations(base: readonly Part[], changes: readonly Mutation[]): Part[] {
  let parts = [...base];
  for (const change of changes) {
    if (change.op === 'remove' || change.op === 'set') parts = parts.filter((part) => !same(part.name, change.name));
    if (change.op === 'set' || change.op === 'add') parts.push({ name: change.name, value: change.value });
    if (change.op === 'file') parts.push({ name: change.name, value: change.bytes, filename: change.filename, contentType: change.contentType });
  }
  return parts;
}

export function partsFrom(fields: Record<string, string>): Part[] {
  return Object.entries(fields).map(([name, value]) => ({ name, value }));
}

const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** UTF-8, except that lone surrogates are written as their three bytes (WTF-8) instead of U+FFFD. */
export function toBytes(value: Value): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (!loneSurrogate.test(value)) return Buffer.from(value, 'utf8');
  const out = Buffer.allocUnsafe(value.length * 3);
  let at = 0;
  for (let i = 0; i < value.length; i += 1) {
    let point = value.charCodeAt(i);
    const next = value.charCodeAt(i + 1);
    if (point >= 0xd800 && point <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      point = 0x10000 + ((point - 0xd800) << 10) + (next - 0xdc00);
      i += 1;
    }
    if (point < 0x80) {
      out[at++] = point;
    } else if (point < 0x800) {
      out[at++] = 0xc0 | (point >> 6);
      out[at++] = 0x80 | (point & 63);
    } else if (point < 0x10000) {
      out[at++] = 0xe0 | (point >> 12);
      out[at++] = 0x80 | ((point >> 6) & 63);
      out[at++] = 0x80 | (point & 63);
    } else {
      out[at++] = 0xf0 | (point >> 18);
      out[at++] = 0x80 | ((point >> 12) & 63);
      out[at++] = 0x80 | ((point >> 6) & 63);
      out[at++] = 0x80 | (point & 63);
    }
  }
  return out.subarray(0, at);
}

const hex = '0123456789ABCDEF';
const unreserved = new Uint8Array(256);
for (const char of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~') unreserved[char.charCodeAt(0)] = 1;

/** Percent-encodes every byte except the unreserved ones (what encodeURIComponent does, for any bytes). */
function percentEncode(value: Value): Buffer {
  const bytes = toBytes(value);
  const out = Buffer.allocUnsafe(bytes.length * 3);
  let at = 0;
  for (let i = 0; i < bytes.length; i += 1) {
    const byte = bytes[i];
    if (unreserved[byte]) {
      out[at++] = byte;
    } else {
      out[at++] = 0x25;
      out[at++] = hex.charCodeAt(byte >> 4);
      out[at++] = hex.charCodeAt(byte & 15);
    }
  }
  return out.subarray(0, at);
}

export function urlencodedBody(parts: readonly Part[]): Buffer {
  const pairs = parts.map((part) => Buffer.concat([percentEncode(part.name), Buffer.from('='), percentEncode(part.value)]));
  return Buffer.concat(pairs.flatMap((pair, index) => (index === 0 ? [pair] : [Buffer.from('&'), pair])));
}

export const boundary = '----qingfeng-hostile-7f3a9c';

export function multipartBody(parts: readonly Part[]): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="`), toBytes(part.name), Buffer.from('"'));
    if (part.filename !== undefined) {
      chunks.push(Buffer.from('; filename="'), toBytes(part.filename), Buffer.from(`"\r\nContent-Type: ${part.contentType ?? 'application/octet-stream'}`));
    }
    chunks.push(Buffer.from('\r\n\r\n'), toBytes(part.value), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

/** How the body travels: mostly as our forms send it, sometimes as nothing of ours would. */
export type Transport = 'multipart' | 'urlencoded' | 'json' | 'text' | 'multipart-without-boundary' | 'urlencoded-utf16' | 'urlencoded-gzip-label';

export function transports(usual: 'multipart' | 'urlencoded'): fc.Arbitrary<Transport> {
  const other = usual === 'multipart' ? 'urlencoded' : 'multipart';
  return fc.oneof(
    { weight: 14, arbitrary: fc.constant(usual) },
    { weight: 2, arbitrary: fc.constant(other) },
    { weight: 1, arbitrary: fc.constantFrom<Transport>('json', 'text', 'multipart-without-boundary', 'urlencoded-utf16', 'urlencoded-gzip-label') },
  );
}

export interface EncodedRequest {
  headers: Record<string, string>;
  body: Buffer;
}

export function encode(parts: readonly Part[], transport: Transport, acceptJson: boolean): EncodedRequest {
  const accept = acceptJson ? 'application/json' : 'text/html,application/xhtml+xml';
  const as = (contentType: string, body: Buffer, extra: Record<string, string> = {}): EncodedRequest => ({ headers: { Accept: accept, 'Content-Type': contentType, ...extra }, body });
  switch (transport) {
    case 'multipart':
      return as(`multipart/form-data; boundary=${boundary}`, multipartBody(parts));
    case 'multipart-without-boundary':
      return as('multipart/form-data', multipartBody(parts));
    case 'urlencoded':
      return as('application/x-www-form-urlencoded', urlencodedBody(parts));
    case 'urlencoded-utf16':
      return as('application/x-www-form-urlencoded; charset=utf-16', urlencodedBody(parts));
    case 'urlencoded-gzip-label':
      return as('application/x-www-form-urlencoded', urlencodedBody(parts), { 'Content-Encoding': 'gzip' });
    case 'json':
      return as('application/json', Buffer.from(JSON.stringify(Object.fromEntries(parts.map((part) => [String(part.name), String(part.value)])))));
    case 'text':
      return as('text/plain', urlencodedBody(parts));
  }
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/**
 * A minimal HTTP client with a cookie jar. superagent needs ~30 s to push a
 * few megabytes through supertest in-process; node:http does it in a blink,
 * and sends the bytes exactly as built here.
 */
export class RawClient {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly baseUrl: string) {}

  get(path: string): Promise<RawResponse> {
    return this.request('GET', path, { Accept: 'text/html' });
  }

  post(path: string, encoded: EncodedRequest): Promise<RawResponse> {
    return this.request('POST', path, { ...encoded.headers, 'Content-Length': String(encoded.body.length) }, encoded.body);
  }

  private request(method: string, path: string, headers: Record<string, string>, body?: Buffer): Promise<RawResponse> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    return new Promise((resolve, reject) => {
      let answered = false;
      const outgoing = http.request(`${this.baseUrl}${path}`, { method, agent: false, headers: cookie ? { ...headers, Cookie: cookie } : headers }, (response) => {
        answered = true;
        for (const line of response.headers['set-cookie'] ?? []) {
          const [pair] = line.split(';');
          const at = pair.indexOf('=');
          this.cookies.set(pair.slice(0, at), pair.slice(at + 1));
        }
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      });
      // The server may answer (413) and close before the whole body is written: that is an answer, not a failure.
      outgoing.on('error', (error) => {
        if (!answered) reject(new Error(`no answer to ${method} ${path}: ${error.message}`));
      });
      outgoing.end(body);
    });
  }
}
