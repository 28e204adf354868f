/** Filling in the real report form over HTTP, as a browser would. */
import mongoose from 'mongoose';
import { Case } from '../../server/cases/case.model';
import { CaseLocator } from '../../server/cases/case-locator.model';
import type request from 'supertest';

export const validReport = {
  reporterType: 'business',
  kind: 'complaint',
  unit: 'xzspj',
  category: 'favours',
  description: '办理施工许可时，窗口工作人员暗示需要“意思意思”才能加快审批，已拖延三周。',
  whenWhere: '2026年11月，区政务服务中心二楼',
  officialName: '',
  workOrderNumber: '12345-20261101-0042',
  acceptRules: 'yes',
};

export interface FormPage {
  csrf: string;
  formToken: string;
}

export async function openReportForm(agent: request.Agent): Promise<FormPage> {
  const page = await agent.get('/report').expect(200);
  return hiddenFields(page.text);
}

export function hiddenFields(html: string): FormPage {
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  const formToken = /name="formToken" value="([^"]+)"/.exec(html)?.[1];
  if (!csrf || !formToken) throw new Error('report form without hidden fields');
  return { csrf, formToken };
}

export interface Attachment {
  bytes: Buffer;
  filename: string;
  contentType?: string;
}

export function postReport(agent: request.Agent, form: FormPage, fields: Record<string, string | string[]>, files: Attachment[] = []): request.Test {
  let call = agent.post(`/report?_csrf=${encodeURIComponent(form.csrf)}`).field('_csrf', form.csrf).field('formToken', form.formToken);
  for (const [name, value] of Object.entries(fields)) {
    for (const item of Array.isArray(value) ? value : [value]) call = call.field(name, item);
  }
  for (const file of files) call = call.attach('evidence', file.bytes, { filename: file.filename, contentType: file.contentType ?? 'application/octet-stream' });
  return call;
}

/** The stored case a code names, found as /track finds it: by the code's locator. */
export async function storedCaseOf(code: string | undefined) {
  if (!code) throw new Error('no tracking code');
  const entry = await CaseLocator.findById(code.slice(0, 6)).lean();
  return entry ? Case.findById(entry.caseId).lean() : null;
}

/** The stored case the confirmation page's code names. */
export async function storedCaseOfPage(html: string) {
  return storedCaseOf(trackingCodeIn(html));
}

export function trackingCodeIn(html: string): string | undefined {
  const groups = /class="tracking-code"[^>]*>((?:<span>\d{4}<\/span> ){5})/.exec(html)?.[1];
  return groups ? groups.replace(/\D/g, '') : undefined;
}

/** Every document of every collection, as one string (BSON binaries as base64 and as UTF-8). */
export async function dumpDatabase(): Promise<string> {
  const db = mongoose.connection.db!;
  const parts: string[] = [];
  for (const { name } of await db.listCollections().toArray()) {
    const documents = await db.collection(name).find({}).toArray();
    parts.push(JSON.stringify(documents));
    for (const document of documents) collectBinaries(document, parts);
  }
  return parts.join('\n');
}

function collectBinaries(value: unknown, parts: string[]): void {
  if (value instanceof mongoose.mongo.Binary) {
    const bytes = Buffer.from(value.buffer);
    parts.push(bytes.toString('utf8'), bytes.toString('latin1'));
  } else if (value && typeof value === 'object') {
    for (const child of Object.values(value)) collectBinaries(child, parts);
  }
}

export async function countDocuments(): Promise<Record<string, number>> {
  const db = mongoose.connection.db!;
  const counts: Record<string, number> = {};
  for (const { name } of await db.listCollections().toArray()) counts[name] = await db.collection(name).countDocuments();
  return counts;
}
