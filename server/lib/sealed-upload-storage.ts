/**
 * Where an uploaded file waits between arriving and being cleaned: on disk,
 * never in clear. Each file is encrypted as it streams in (AES-256-GCM) under
 * a random key that lives only in this process's memory, so the request
 * holds a few kilobytes while five 10 MB files arrive instead of 50 MB, and a
 * file left behind by a crash is unreadable (and swept at the next start).
 * It is read back, one file at a time, when it is cleaned, and deleted then,
 * or when the request ends, whichever comes first.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Request } from 'express';
import type multer from 'multer';

export interface SealedUpload {
  path: string;
  size: number;
  key: Buffer;
  iv: Buffer;
  tag: Buffer;
}

type StoredFile = Express.Multer.File & { sealedUpload?: SealedUpload };

const pidPrefix = (pid: number) => `${pid}-`;

export function sealedUploadStorage(dir: string): multer.StorageEngine {
  const ownDir = prepareDir(dir);
  return {
    _handleFile(_req, file, done) {
      const key = randomBytes(32);
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const target = path.join(ownDir, `${randomBytes(12).toString('hex')}.sealed`);
      let size = 0;
      file.stream.on('data', (chunk: Buffer) => (size += chunk.length));
      pipeline(file.stream, cipher, createWriteStream(target, { mode: 0o600, flags: 'wx' })).then(
        () => done(null, { size, sealedUpload: { path: target, size, key, iv, tag: cipher.getAuthTag() } } as Partial<StoredFile>),
        (error: Error) => void unlink(target).catch(() => undefined).finally(() => done(error)),
      );
    },
    _removeFile(_req, file, done) {
      forget((file as StoredFile).sealedUpload).then(() => done(null), done);
    },
  };
}

/** The file's bytes, read back and deleted from disk. Throws if it was altered there. */
export async function readSealedUpload(upload: SealedUpload): Promise<Buffer> {
  try {
    const decipher = createDecipheriv('aes-256-gcm', upload.key, upload.iv).setAuthTag(upload.tag);
    // Decrypted a slice at a time into one buffer: the file is never held twice (encrypted and clear).
    const bytes = Buffer.allocUnsafe(upload.size);
    let filled = 0;
    for await (const chunk of createReadStream(upload.path) as AsyncIterable<Buffer>) {
      const clear = decipher.update(chunk);
      if (filled + clear.length > bytes.length) throw new Error('a waiting upload grew on disk');
      filled += clear.copy(bytes, filled);
    }
    if (filled !== bytes.length) throw new Error('a waiting upload shrank on disk');
    decipher.final(); // GCM gives nothing more here; it checks the tag
    return bytes;
  } finally {
    await forget(upload);
  }
}

export function sealedUploadsOf(req: Request): SealedUpload[] {
  const files = Array.isArray(req.files) ? (req.files as StoredFile[]) : [];
  return files.flatMap((file) => (file.sealedUpload && file.size > 0 ? [file.sealedUpload] : []));
}

/** When the request ends, whatever it did not read goes. */
export async function forgetUploadsOf(req: Request): Promise<void> {
  const files = Array.isArray(req.files) ? (req.files as StoredFile[]) : [];
  await Promise.all(files.map((file) => forget(file.sealedUpload)));
}

async function forget(upload: SealedUpload | undefined): Promise<void> {
  if (!upload) return;
  upload.key.fill(0);
  await unlink(upload.path).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
}

// One folder per process; folders of processes no longer running (a crash) are removed.
function prepareDir(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const entry of readdirSync(dir)) {
    const pid = Number(entry.split('-')[0]);
    if (pid !== process.pid && !isRunning(pid)) rmSync(path.join(dir, entry), { recursive: true, force: true });
  }
  const own = path.join(dir, `${pidPrefix(process.pid)}${randomBytes(6).toString('hex')}`);
  mkdirSync(own, { mode: 0o700 });
  return own;
}

function isRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
