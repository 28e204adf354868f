/** Shared by the backup and rotation drills: reports submitted and acted on over HTTP, and a dump of the database to compare. */
import type { Express } from 'express';
import mongoose from 'mongoose';
import sharp from 'sharp';
import { browser, csrfTokenFrom } from '../helpers/app';
import { openReportForm, postReport, storedCaseOf, trackingCodeIn, validReport } from '../helpers/reports';

export interface SubmittedCase {
  code: string;
  reference: string;
  description: string;
  /** a reply the reporter reads on /track: opening it needs the case's key, from the code */
  reply: string;
}

/** Three reports (the first with a photo, the second with an identity for custodians), each answered; the first is accepted and noted on. */
export async function submitAndAct(app: Express, intake: ReturnType<typeof browser>): Promise<SubmittedCase[]> {
  const photo = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#c0ffee' } }).jpeg().toBuffer();
  const cases: SubmittedCase[] = [];
  for (let n = 1; n <= 3; n += 1) {
    const reporter = browser(app);
    const description = `${validReport.description} DRILL-${n}-${Date.now()}`;
    const identity: Record<string, string> = n === 2 ? { identityChoice: 'confidential', name: '孙某某', phone: '13900004444' } : {};
    const files = n === 1 ? [{ bytes: photo, filename: 'photo.jpg', contentType: 'image/jpeg' }] : [];
    const page = await postReport(reporter, await openReportForm(reporter), { ...validReport, ...identity, description }, files).expect(200);
    const code = trackingCodeIn(page.text)!;
    const reference = (await storedCaseOf(code))!.reference;
    cases.push({ code, reference, description, reply: `答复 REPLY-DRILL-${n}` });
  }
  const token = await csrfTokenFrom(intake, '/staff');
  await intake.post(`/staff/cases/${cases[0].reference}/accept`).type('form').send({ _csrf: token }).expect(303);
  await intake.post(`/staff/cases/${cases[0].reference}/note`).type('form').send({ _csrf: token, text: '内部备注 NOTE-DRILL' }).expect(303);
  for (const submitted of cases) await intake.post(`/staff/cases/${submitted.reference}/reply`).type('form').send({ _csrf: token, text: submitted.reply }).expect(303);
  return cases;
}

/** Every collection's documents in canonical Extended JSON (types included: Int32 and Double differ), sorted. */
export async function dumpDatabase(skip: string[] = []): Promise<Record<string, string[]>> {
  const db = mongoose.connection.db!;
  const dump: Record<string, string[]> = {};
  for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
    if (skip.includes(name) || name.startsWith('system.')) continue;
    const docs = await db.collection(name).find({}, { promoteValues: false }).toArray();
    dump[name] = docs.map((doc) => mongoose.mongo.BSON.EJSON.stringify(doc, { relaxed: false })).sort();
  }
  return dump;
}

export async function indexesOf(): Promise<Record<string, string[]>> {
  const db = mongoose.connection.db!;
  const found: Record<string, string[]> = {};
  for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
    const indexes = await db.collection(name).indexes();
    found[name] = indexes.map((index) => `${index.name}${index.unique ? ' unique' : ''}`).sort();
  }
  return found;
}

/** The first file link on a staff case page. */
export function fileLinkIn(html: string, reference: string): string | undefined {
  return new RegExp(`/staff/cases/${reference}/files/[0-9a-f]{24}`).exec(html)?.[0];
}
