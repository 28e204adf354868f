/**
 * What the reporter wrote and sent, for their own eyes on /track: the report
 * opened from its seal with the key their code opened (the same key their
 * messages are read with), and the files they sent as the case's file list
 * shows them (number, kind, size). Files keep no name: names are removed
 * with the rest of a file's hidden data when it is cleaned.
 */
import { readReportUnlessTampered, type ReportContent } from '../cases/case-content.service';
import type { CaseDocument } from '../cases/case.model';
import type { FileSummary } from '../cases/case-timeline.service';

export interface SentFile {
  number: number;
  type: string;
  size: string;
}

export interface OwnReport {
  content: ReportContent | null;
  files: SentFile[];
}

export function ownReportOf(caseDocument: CaseDocument, dataKey: Buffer, files: readonly FileSummary[]): OwnReport {
  const withReport = new Set((caseDocument.attachmentIds ?? []).map(String));
  return {
    // A report whose clear fields no longer match its seal is not shown under them (cases/bound-seals.ts).
    content: readReportUnlessTampered(caseDocument, dataKey),
    files: sentFiles(files.filter((file) => withReport.has(String(file._id)))),
  };
}

export function sentFiles(files: readonly FileSummary[]): SentFile[] {
  return files.map((file, index) => ({ number: index + 1, type: file.type, size: readableSize(file.size) }));
}

export function readableSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}
