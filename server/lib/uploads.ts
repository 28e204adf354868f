/**
 * Multipart forms with evidence: at most 5 files of 10 MB, kept in memory
 * only until they are cleaned and sealed (never written to disk in clear).
 * The CSRF token was checked before (lib/csrf.ts), from the form's action.
 */
import type { RequestHandler } from 'express';
import multer from 'multer';

export const evidenceLimits = { files: 5, fileSize: 10 * 1024 * 1024 } as const;

export function evidenceUpload(fieldName: string): RequestHandler {
  return multer({
    storage: multer.memoryStorage(),
    limits: { ...evidenceLimits, fields: 40, fieldSize: 64 * 1024, parts: 50, headerPairs: 200 },
  }).array(fieldName, evidenceLimits.files);
}

export function uploadedFiles(files: unknown): Buffer[] {
  if (!Array.isArray(files)) return [];
  return (files as Express.Multer.File[]).filter((file) => file.size > 0).map((file) => file.buffer);
}
