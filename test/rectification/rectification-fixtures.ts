/**
 * Set-up shared by the rectification tests: a liaison account bound to a
 * unit (through the real account service), and a case brought to its
 * conclusion by a supervisor through the case page's forms.
 */
import type request from 'supertest';
import { commissionKeyId } from '../../server/cases/sealing/commission-key';
import type { Config } from '../../server/config';
import { createStaffAccount } from '../../server/staff/accounts.service';
import { browser, csrfTokenFrom } from '../helpers/app';
import { openReportForm, postReport, storedCaseOf, trackingCodeIn, validReport } from '../helpers/reports';
import type { TestAccount } from '../staff/staff-helpers';
import type { Express } from 'express';

let counter = 0;

export async function createLiaison(config: Config, unitCode: string): Promise<TestAccount> {
  counter += 1;
  const password = `lanterns over the canal ${counter} liaison ${unitCode}`;
  const created = await createStaffAccount(
    { name: `联络员 ${counter}`, email: `liaison${counter}-${Date.now()}@tongzhou.example`, roles: ['liaison'], unitCode, password, mustChangePassword: false },
    { actor: 'system', totpSecret: config.secrets.totp, commissionKeyId: commissionKeyId(config.secrets.commissionPublicKey) },
  );
  return { id: created.id, email: created.email, password, totpSecret: created.totpSecret };
}

/** A web report about `unit`, with its code and reference. */
export async function reportedCase(app: Express, fields: Record<string, string> = {}): Promise<{ code: string; reference: string; caseId: string }> {
  const reporter = browser(app);
  const page = await postReport(reporter, await openReportForm(reporter), { ...validReport, ...fields }).expect(200);
  const code = trackingCodeIn(page.text)!;
  const stored = await storedCaseOf(code);
  return { code, reference: stored!.reference, caseId: String(stored!._id) };
}

/** Accept, investigate and conclude through the case page's forms, as a supervisor. */
export async function conclude(supervisor: request.Agent, reference: string, outcome: string): Promise<void> {
  const token = await csrfTokenFrom(supervisor, '/staff');
  for (const [action, fields] of [['accept', {}], ['investigate', {}], ['conclude', { outcome, summary: '经核实，反映问题属实，已督促整改。' }]] as const) {
    const response = await supervisor.post(`/staff/cases/${reference}/${action}`).type('form').send({ _csrf: token, ...fields });
    if (response.status !== 303) throw new Error(`${action} answered ${response.status}`);
  }
}

/** Accept and investigate through the case page's forms, as a supervisor: the case is ready to be concluded. */
export async function investigating(supervisor: request.Agent, reference: string): Promise<void> {
  const token = await csrfTokenFrom(supervisor, '/staff');
  for (const action of ['accept', 'investigate']) {
    const response = await supervisor.post(`/staff/cases/${reference}/${action}`).type('form').send({ _csrf: token });
    if (response.status !== 303) throw new Error(`${action} answered ${response.status}`);
  }
}
