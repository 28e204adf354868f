/**
 * Intake officers: /staff/intake/new, a report that came by letter,
 * telephone, visit, 12345 referral or from a higher authority, entered with
 * the web form's fields. It is stored exactly as a web report
 * (reports/report.service.ts): sealed, with a tracking code, but received on
 * the day the officer gives. The code is the answer to the POST, on a slip to
 * print or read out, never in a URL; the entry is in the audit trail.
 */
import { Router, type RequestHandler, type Response } from 'express';
import { recordAudit } from '../audit/audit.service';
import { NoFreeLocatorError } from '../cases/case-locator.model';
import { formatTrackingCode } from '../cases/sealing/tracking-code';
import { activeCategoryGroups, activeUnits, isActiveCategory, isActiveUnit } from '../cases/taxonomy/taxonomy.service';
import { enteredChannels } from '../cases/case-channels';
import { chinaDateOf } from '../lib/china-time';
import { FormRefusal, refuseField, typedValues, whenRefused, type FieldMessages } from '../lib/forms';
import { HttpError } from '../lib/http-error';
import { evidenceUpload, uploadedFileReaders } from '../lib/uploads';
import type { WorkQueue } from '../lib/work-queue';
import { codeMaterialForToken, isValidFormToken, issueFormToken, type FormTokenKeys } from '../reports/form-token';
import { submitReport, type IntakeNotice, type ReportSecrets } from '../reports/report.service';
import { requireRole } from '../staff/access';
import { asReportForm, enteredReportFields, enteredReportSchema, type EnteredReportForm } from './intake.schema';

export interface IntakeRoutesDeps {
  secrets: ReportSecrets;
  formTokenKeys: FormTokenKeys;
  queue: WorkQueue;
  intake: IntakeNotice;
  uploadDir: string;
}

const hiddenFields = new Set(['_csrf', 'formToken']);
const ownFields = new Set(['channel', 'receivedDate']);

export function intakeRoutes(deps: IntakeRoutesDeps): Router {
  const router = Router();
  const intakeOnly = requireRole('intake');

  router.get('/intake/new', intakeOnly, async (_req, res) => {
    await renderForm(res, { values: { identityChoice: 'anonymous', receivedDate: chinaDateOf(new Date()) }, formToken: issueFormToken(deps.formTokenKeys, browserOf(res)) });
  });

  router.post('/intake/new', intakeOnly, evidenceUpload('evidence', deps.uploadDir), enterReport(deps));
  return router;
}

function enterReport(deps: IntakeRoutesDeps): RequestHandler {
  return (req, res) => whenRefused(async () => {
    const form = readEnteredReport(req.body);
    if (!isValidFormToken(deps.formTokenKeys, form.formToken, browserOf(res))) {
      return renderForm(res.status(422), { values: typedValues(req.body, enteredReportFields), formToken: issueFormToken(deps.formTokenKeys, browserOf(res)), formExpired: true });
    }
    await refuseUnknownChoices(form.unit, form.category);
    const material = codeMaterialForToken(deps.formTokenKeys, form.formToken);
    const outcome = await submitReport(asReportForm(form), uploadedFileReaders(req), material, { secrets: deps.secrets, intake: deps.intake, queue: deps.queue }, { channel: form.channel, receivedDate: form.receivedDate })
      .catch((error: unknown) => {
        if (error instanceof NoFreeLocatorError) return null;
        throw error;
      });
    if (!outcome) return renderForm(res.status(422), { values: typedValues(req.body, enteredReportFields), formToken: issueFormToken(deps.formTokenKeys, browserOf(res)), formExpired: true });
    if (outcome.status === 'busy') throw new HttpError(503, 'unavailable');
    if (outcome.status === 'evidenceRefused') throw refuseField('evidence', `reports.evidenceRefused.${outcome.reason}`, 422, { fileNumber: outcome.fileNumber });
    if (outcome.status === 'created') {
      await recordAudit({ actor: res.locals.staff!.id, action: 'case.entered', caseId: String(outcome.caseId), caseRef: outcome.reference, details: { channel: form.channel } });
    }
    res.render('intake/slip', slipView(form, outcome.code, outcome.reference, deps.intake.publicUrl));
  }, async (refusal) => renderForm(res.status(refusal.status), { values: typedValues(req.body, enteredReportFields), refusal, formToken: keptToken(deps.formTokenKeys, req.body, res) }));
}

function slipView(form: EnteredReportForm, code: string, reference: string, publicUrl: string) {
  return {
    title: 'campaign.slip.title',
    reference,
    channel: form.channel,
    receivedDate: form.receivedDate,
    codeGroups: formatTrackingCode(code).split(' '),
    trackUrl: `${publicUrl.replace(/\/$/, '')}/track`,
  };
}

/** The web form's messages for its fields (reports.errors.*), this form's for its own; tampered hidden fields: 400. */
function readEnteredReport(body: unknown): EnteredReportForm {
  const parsed = enteredReportSchema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  const fields: FieldMessages = {};
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? '');
    if (issue.code === 'unrecognized_keys' || !field || hiddenFields.has(field)) throw new HttpError(400, 'badRequest');
    fields[field] ??= ownFields.has(field) ? `campaign.intake.errors.${field}` : `reports.errors.${field}`;
  }
  throw new FormRefusal(fields);
}

async function refuseUnknownChoices(unit: string, category: string): Promise<void> {
  const fields: FieldMessages = {};
  if (!(await isActiveUnit(unit))) fields.unit = 'reports.errors.unit';
  if (category && !(await isActiveCategory(category))) fields.category = 'reports.errors.category';
  if (Object.keys(fields).length > 0) throw new FormRefusal(fields);
}

function keptToken(keys: FormTokenKeys, body: unknown, res: Response): string {
  const given = (body as { formToken?: unknown } | undefined)?.formToken;
  return typeof given === 'string' && isValidFormToken(keys, given, browserOf(res)) ? given : issueFormToken(keys, browserOf(res));
}

function browserOf(res: Response): string {
  return String(res.locals.browserId);
}

interface FormView {
  values: Record<string, string>;
  refusal?: FormRefusal;
  formToken: string;
  formExpired?: boolean;
}

async function renderForm(res: Response, view: FormView): Promise<void> {
  const [units, categoryGroups] = await Promise.all([activeUnits(res.locals.lang), activeCategoryGroups(res.locals.lang)]);
  const errors = view.refusal?.fields ?? {};
  res.render('intake/form', {
    title: 'campaign.intake.title', values: view.values, formToken: view.formToken, formExpired: view.formExpired,
    chooseFilesAgain: Boolean(view.refusal ?? view.formExpired),
    errors, errorList: Object.entries(errors).map(([field, message]) => ({ field, message })), fileNumber: view.refusal?.context.fileNumber,
    units, categoryGroups, channels: enteredChannels, today: chinaDateOf(new Date()),
  });
}
