/**
 * The backup archive's encryption: a random AES-256-GCM key for the archive,
 * sealed to the backup public key (X25519, the same sealing as the
 * commission's; the private half is kept off the server), then the content
 * in chunks of about 1 MiB, each sealed on its own.
 *
 *   "QFBACKUP1\n" | u32 header length | header (JSON) | chunk…
 *   chunk = u8 last (0 or 1) | u32 sealed length | ciphertext | 16-byte tag
 *
 * Each chunk's nonce is the header's 4-byte prefix and the chunk's number;
 * its additional data is the header's SHA-256, the number and the last flag.
 * So a changed header, a changed, dropped, repeated or reordered chunk, and a
 * cut after any chunk but the last all fail authentication.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { FileHandle } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { openFromCommission, sealToCommission, type SealedForCommission } from '../cases/sealing/commission-key';

const magic = Buffer.from('QFBACKUP1\n', 'latin1');
const chunkBytes = 1 << 20;
const tagBytes = 16;
const maxHeaderBytes = 64 * 1024;

interface ArchiveHeader {
  format: 1;
  createdAt: string;
  key: SealedForCommission;
  noncePrefix: string;
}

/** The archive cannot be trusted or opened; nothing was written from it. */
export class ArchiveRefusedError extends Error {
  override readonly name = 'ArchiveRefusedError';
}

export class ArchiveWriter {
  private readonly key = randomBytes(32);
  private readonly noncePrefix = randomBytes(4);
  private readonly headerHash: Buffer;
  private readonly header: Buffer;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private index = 0n;
  bytesWritten = 0;

  constructor(private readonly out: Writable, backupPublicKeyPem: string) {
    const header: ArchiveHeader = { format: 1, createdAt: new Date().toISOString(), key: sealToCommission(backupPublicKeyPem, this.key), noncePrefix: this.noncePrefix.toString('base64') };
    const json = Buffer.from(JSON.stringify(header), 'utf8');
    this.header = Buffer.concat([magic, u32(json.length), json]);
    this.headerHash = createHash('sha256').update(this.header).digest();
  }

  async start(): Promise<void> {
    await this.emit(this.header);
  }

  async write(bytes: Buffer): Promise<void> {
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    while (this.pendingBytes >= chunkBytes) {
      const all = Buffer.concat(this.pending);
      this.pending = [all.subarray(chunkBytes)];
      this.pendingBytes = all.length - chunkBytes;
      await this.sealChunk(all.subarray(0, chunkBytes), false);
    }
  }

  /** Seals what is left as the last chunk (possibly empty) and ends the stream. */
  async finish(): Promise<void> {
    await this.sealChunk(Buffer.concat(this.pending), true);
    this.pending = [];
    this.key.fill(0);
    this.out.end();
    await once(this.out, 'finish');
  }

  private async sealChunk(plain: Buffer, last: boolean): Promise<void> {
    const cipher = createCipheriv('aes-256-gcm', this.key, nonceOf(this.noncePrefix, this.index));
    cipher.setAAD(chunkContext(this.headerHash, this.index, last));
    const sealed = Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    await this.emit(Buffer.concat([Buffer.from([last ? 1 : 0]), u32(sealed.length), sealed]));
    this.index += 1n;
  }

  private async emit(bytes: Buffer): Promise<void> {
    this.bytesWritten += bytes.length;
    if (!this.out.write(bytes)) await once(this.out, 'drain');
  }
}

/**
 * The archive's content, chunk by chunk, each yielded only once its tag has
 * been checked; throws ArchiveRefusedError on a wrong key, a damaged or
 * altered chunk, a missing end or bytes after it.
 */
export async function* openArchiveChunks(file: FileHandle, backupPrivateKeyPem: string): AsyncGenerator<Buffer> {
  let position = 0;
  const read = async (length: number, what: string): Promise<Buffer> => {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = length > 0 ? await file.read(buffer, 0, length, position) : { bytesRead: 0 };
    if (bytesRead !== length) throw new ArchiveRefusedError(`The archive ends early (in ${what}): it is incomplete or damaged.`);
    position += length;
    return buffer;
  };
  const start = await read(magic.length + 4, 'the header');
  if (!start.subarray(0, magic.length).equals(magic)) throw new ArchiveRefusedError('This is not a Qingfeng backup archive.');
  const headerLength = start.readUInt32BE(magic.length);
  if (headerLength > maxHeaderBytes) throw new ArchiveRefusedError('The archive header is damaged.');
  const json = await read(headerLength, 'the header');
  const header = parseHeader(json);
  const headerHash = createHash('sha256').update(Buffer.concat([start, json])).digest();
  const key = openArchiveKey(backupPrivateKeyPem, header.key);
  const noncePrefix = Buffer.from(header.noncePrefix, 'base64');
  try {
    for (let index = 0n; ; index += 1n) {
      const frame = await read(5, `chunk ${index}`);
      const last = frame[0] === 1;
      const sealedLength = frame.readUInt32BE(1);
      if (frame[0] > 1 || sealedLength < tagBytes || sealedLength > chunkBytes + tagBytes) throw new ArchiveRefusedError(`Chunk ${index} of the archive is damaged.`);
      const sealed = await read(sealedLength, `chunk ${index}`);
      const decipher = createDecipheriv('aes-256-gcm', key, nonceOf(noncePrefix, index));
      decipher.setAAD(chunkContext(headerHash, index, last));
      decipher.setAuthTag(sealed.subarray(sealedLength - tagBytes));
      let plain: Buffer;
      try {
        plain = Buffer.concat([decipher.update(sealed.subarray(0, sealedLength - tagBytes)), decipher.final()]);
      } catch {
        throw new ArchiveRefusedError(`Chunk ${index} of the archive failed authentication: the archive is damaged or was altered.`);
      }
      yield plain;
      if (last) break;
    }
    const after = await file.read(Buffer.alloc(1), 0, 1, position);
    if (after.bytesRead > 0) throw new ArchiveRefusedError('The archive has bytes after its end: it was altered.');
  } finally {
    key.fill(0);
  }
}

function parseHeader(json: Buffer): ArchiveHeader {
  try {
    const header = JSON.parse(json.toString('utf8')) as ArchiveHeader;
    if (header.format === 1 && typeof header.noncePrefix === 'string' && typeof header.key?.keyId === 'string') return header;
  } catch {
    // reported below
  }
  throw new ArchiveRefusedError('The archive header is damaged.');
}

function openArchiveKey(privateKeyPem: string, sealed: SealedForCommission): Buffer {
  try {
    return openFromCommission(privateKeyPem, sealed);
  } catch (error) {
    if ((error as Error).name === 'CommissionKeyMismatchError') throw new ArchiveRefusedError(`This archive is encrypted to backup key ${sealed.keyId}; the key given is another one.`);
    throw new ArchiveRefusedError(`The archive's key cannot be opened with the key given (${(error as Error).message}).`);
  }
}

function nonceOf(prefix: Buffer, index: bigint): Buffer {
  const nonce = Buffer.alloc(12);
  prefix.copy(nonce, 0, 0, 4);
  nonce.writeBigUInt64BE(index, 4);
  return nonce;
}

function chunkContext(headerHash: Buffer, index: bigint, last: boolean): Buffer {
  const tail = Buffer.alloc(9);
  tail.writeBigUInt64BE(index, 0);
  tail[8] = last ? 1 : 0;
  return Buffer.concat([headerHash, tail]);
}

function u32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value);
  return bytes;
}
