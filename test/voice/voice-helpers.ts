/** Driving a case to its answer and the reporter's voice forms over HTTP, as browsers would. */
import type { Express } from 'express';
import type request from 'supertest';
import { Case } from '../../server/cases/case.model';
import { browser, csrfTokenFrom } from '../helpers/app';
import { openReportForm, postReport, trackingCodeIn, validReport } from '../helpers/reports';
import { lookUpOk } from '../helpers/tracking';

/** Submits a report; its tracking code and reference. */
export async function newCase(app: Express, fields: Record<string, string> = {}): Promise<{ code: string; reference: string }> {
  const reporter = browser(app);
  const page = await postReport(reporter, await openReportForm(reporter), { ...validReport, ...fields }).expect(200);
  const code = trackingCodeIn(page.text)!;
  const { CaseLocator } = await import('../../server/cases/case-locator.model');
  const entry = await CaseLocator.findById(code.slice(0, 6)).lean();
  const stored = await Case.findById(entry!.caseId).lean();
  return { code, reference: stored!.reference };
}

export async function act(agent: request.Agent, reference: string, action: string, fields: Record<string, string | string[]> = {}): Promise<request.Response> {
  const token = await csrfTokenFrom(agent, '/staff');
  return agent.post(`/staff/cases/${reference}/${action}`).type('form').send({ _csrf: token, ...fields });
}

/** The hidden fields of the form whose action starts with `action` on a reporter's page. */
export function formFields(html: string, action: string): { csrf: string; code: string } {
  const at = html.indexOf(`action="${action}`);
  if (at < 0) throw new Error(`no form ${action} on the page`);
  const form = html.slice(at);
  return { csrf: /name="_csrf" value="([^"]+)"/.exec(form)![1], code: /name="code" value="([^"]+)"/.exec(form)![1] };
}

/** Opens the case with its code and posts the rating form found there. */
export async function rate(app: Express, code: string, fields: Record<string, string>): Promise<request.Response> {
  const agent = browser(app);
  const page = await lookUpOk(agent, code);
  const { csrf } = formFields(page.text, '/track/rate');
  return agent.post('/track/rate').type('form').send({ _csrf: csrf, code, ...fields });
}
