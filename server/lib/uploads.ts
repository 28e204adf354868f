/**
 * Multipart forms with evidence: at most 5 files of 10 MB, kept in memory
 * only until they are cleaned and sealed (never written to disk in clear).
 * The CSRF token was checked before (lib/csrf.ts), from the form's action.
 */
import type { Request, RequestHandler, Response } from 'express';
import multer from 'multer';

export const evidenceLimits = { files: 5, fileSize: 10 * 1024 * 1024 } as const;
const textLimits = { fields: 40, fieldSize: 64 * 1024, parts: 50, headerPairs: 200 } as const;

export function evidenceUpload(fieldName: string): RequestHandler {
  return multer({
    storage: multer.memoryStorage(),
    limits: { ...evidenceLimits, ...textLimits },
  }).array(fieldName, evidenceLimits.files);
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

/**
 * The files' bytes, handed over: the request lets go of them, so that each
 * original can be freed as soon as its cleaned copy exists.
 */
export function takeUploadedFiles(req: Request): Buffer[] {
  const files = Array.isArray(req.files) ? (req.files as Express.Multer.File[]) : [];
  req.files = undefined;
  return files.filter((file) => file.size > 0).map((file) => file.buffer);
}

export function uploadedFiles(files: unknown): Buffer[] {
  if (!Array.isArray(files)) return [];
  return (files as Express.Multer.File[]).filter((file) => file.size > 0).map((file) => file.buffer);
}
