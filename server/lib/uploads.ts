/**
 * Multipart forms with evidence: at most 5 files of 10 MB, each encrypted
 * to disk as it arrives under a key held only in memory
 * (sealed-upload-storage.ts), read back one at a time to be cleaned and
 * sealed, and gone when the request ends: never on disk in clear, and never
 * all in memory at once. The CSRF token was checked before (lib/csrf.ts),
 * from the form's action.
 */
import type { Request, RequestHandler, Response } from 'express';
import multer from 'multer';
import { forgetUploadsOf, readSealedUpload, sealedUploadStorage, sealedUploadsOf } from './sealed-upload-storage';

export const evidenceLimits = { files: 5, fileSize: 10 * 1024 * 1024 } as const;
const textLimits = { fields: 40, fieldSize: 64 * 1024, parts: 50, headerPairs: 200 } as const;

export function evidenceUpload(fieldName: string, uploadDir: string): RequestHandler {
  const upload = multer({ storage: sealedUploadStorage(uploadDir), limits: { ...evidenceLimits, ...textLimits } }).array(fieldName, evidenceLimits.files);
  return (req, res, next) => {
    res.once('close', () => void forgetUploadsOf(req).catch(() => undefined));
    upload(req, res, next);
  };
}

/**
 * Reads a multipart form's text fields into req.body, up to its first file,
 * and resolves there: for a form that is refused anyway but must come back
 * with what was typed (our forms put the file field last). The files that
 * follow are read and dropped as they arrive, never kept, so the browser is
 * not cut off mid-upload and sees the answer.
 */
export function readTextFieldsOnly(req: Request, res: Response): Promise<void> {
  return new Promise((resolve) => {
    const upToFirstFile = multer({
      storage: multer.memoryStorage(),
      limits: textLimits,
      fileFilter: (_req, _file, skip) => {
        resolve();
        skip(null, false);
      },
    }).any();
    void upToFirstFile(req, res, () => resolve());
  });
}

/** The files, each to be read when its turn comes: one file's bytes in memory at a time. */
export function uploadedFileReaders(req: Request): Array<() => Promise<Buffer>> {
  return sealedUploadsOf(req).map((upload) => () => readSealedUpload(upload));
}

/** Every file's bytes at once, for a form whose service takes them so. */
export async function readUploadedFiles(req: Request): Promise<Buffer[]> {
  const files: Buffer[] = [];
  for (const read of uploadedFileReaders(req)) files.push(await read());
  return files;
}
