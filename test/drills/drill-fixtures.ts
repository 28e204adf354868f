/**
 * What the fault drills share: limits high enough for a burst, a photo so
 * attachments are involved, the report form over a DrillClient, a bounded
 * burst runner, and the checks of what a submission left in the database.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { trusted } from 'mongoose';
import sharp from 'sharp';
import { Attachment } from '../../server/cases/attachment.model';
import { Case, type CaseDocument } from '../../server/cases/case.model';
import { earlierClaim } from '../../server/cases/case-locator.model';
import { joinTrackingCode } from '../../server/cases/sealing/tracking-code';
import { codeMaterialForToken, formTokenKeys } from '../../server/reports/form-token';
import { openCaseWithCode } from '../../server/tracking/reporter-access.service';
import { hiddenFields, validReport, type FormPage } from '../helpers/reports';
import type { DrillClient, DrillResponse } from './drill-client';

/** Environment overrides: a burst from one address must not meet the abuse limits. */
export const burstLimits = {
  REPORTS_PER_HOUR_PER_CLIENT: '10000',
  TRACK_LOOKUPS_PER_HOUR_PER_CLIENT: '10000',
  TRACK_LOOKUPS_PER_HOUR_SITE: '10000',
  STAFF_SIGN_INS_PER_HOUR_PER_CLIENT: '10000',
};

/** A small JPEG of noise (noise does not compress, so the stored file is a few tens of kB). */
export function noisePhoto(width = 160, height = 120): Promise<Buffer> {
  return sharp(randomBytes(width * height * 3), { raw: { width, height, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
}

export async function openForm(client: DrillClient, baseUrl?: string): Promise<FormPage> {
  const page = await client.get('/report', baseUrl);
  if (page.status !== 200) throw new Error(`GET /report answered ${page.status}`);
  return hiddenFields(page.text);
}

export function submitReport(client: DrillClient, form: FormPage, photos: Buffer[] = [], baseUrl?: string): Promise<DrillResponse> {
  const body = new FormData();
  body.set('_csrf', form.csrf);
  body.set('formToken', form.formToken);
  for (const [name, value] of Object.entries(validReport)) body.set(name, value);
  for (const photo of photos) body.append('evidence', new Blob([photo], { type: 'image/jpeg' }), 'photo.jpg');
  return client.postMultipart(`/report?_csrf=${encodeURIComponent(form.csrf)}`, body, baseUrl);
}

/**
 * The code a form is (or would be) answered with: derived from its one-time
 * token (see form-token.ts), at the locator its submission claimed, or the
 * first candidate if it claimed none.
 */
export async function codeForForm(sessionSecret: string, form: FormPage): Promise<string> {
  const material = codeMaterialForToken(formTokenKeys(sessionSecret), form.formToken);
  const claim = await earlierClaim(material);
  return joinTrackingCode({ locator: claim?.locator ?? material.locators[0], secret: material.secret });
}

/** True when the code is one its form's token can give (its secret, at one of its candidate locators). */
export function isCodeOfForm(sessionSecret: string, form: FormPage, code: string | undefined): boolean {
  const material = codeMaterialForToken(formTokenKeys(sessionSecret), form.formToken);
  return material.locators.some((locator) => code === joinTrackingCode({ locator, secret: material.secret }));
}

/** The case the code opens, read the way /track reads it. */
export async function caseForCode(code: string, trackingSalt: Buffer): Promise<CaseDocument | null> {
  const access = await openCaseWithCode(code, trackingSalt);
  access?.dataKey.fill(0);
  return access?.caseDocument ?? null;
}

/** How many of the case's files are stored, next to how many it lists and says it has. */
export async function attachmentsOf(caseDocument: CaseDocument): Promise<{ listed: number; counted: number; stored: number }> {
  const ids = caseDocument.attachmentIds ?? [];
  const stored = ids.length === 0 ? 0 : await Attachment.countDocuments({ _id: trusted({ $in: ids }), caseId: caseDocument._id });
  return { listed: ids.length, counted: caseDocument.attachmentCount ?? 0, stored };
}

/** Cases that list a file that is not stored: a half-written case. */
export async function casesWithMissingFiles(): Promise<string[]> {
  const incomplete: string[] = [];
  for (const caseDocument of await Case.find({}).lean<CaseDocument[]>()) {
    const files = await attachmentsOf(caseDocument);
    if (files.stored !== files.listed || files.counted !== files.listed) incomplete.push(caseDocument.reference);
  }
  return incomplete;
}

/** Stored files that no case lists: what an interrupted submission leaves for the sweep. */
export async function orphanedFiles(): Promise<number> {
  let orphans = 0;
  for (const file of await Attachment.find({}, { caseId: 1 }).lean()) {
    if (!(await Case.exists({ _id: file.caseId, attachmentIds: file._id }))) orphans += 1;
  }
  return orphans;
}

export type BurstResult = { index: number; ok: true; response: DrillResponse } | { index: number; ok: false; error: Error & { code?: string; sentAt?: number } };

/**
 * Runs `count` requests, at most `concurrency` at a time. `beforeEach` may
 * hold a worker back (it is awaited before the worker starts its next request).
 */
export async function runBurst(
  count: number,
  concurrency: number,
  work: (index: number) => Promise<DrillResponse>,
  beforeEach: () => Promise<void> = async () => undefined,
): Promise<BurstResult[]> {
  const results: BurstResult[] = [];
  let next = 0;
  async function worker(): Promise<void> {
    for (;;) {
      await beforeEach();
      if (next >= count) return;
      const index = next;
      next += 1;
      try {
        results.push({ index, ok: true, response: await work(index) });
      } catch (error) {
        results.push({ index, ok: false, error: error as Error });
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results.sort((a, b) => a.index - b.index);
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, everyMs = 200): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return true;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  return false;
}

/** A port nobody listens on right now (main.ts cannot listen on port 0 and tell us which port it got). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export function isConfirmation(response: DrillResponse): boolean {
  return response.status === 200 && /class="tracking-code"/.test(response.text);
}
