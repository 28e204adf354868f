/**
 * /staff/rectification: the commission's overview (lights, red items, the
 * units), opening an item from a case (/new?case=…, supervisors), a unit's
 * problem list (/units/:unit, printable, and .csv), an item's page
 * (/items/:id) with its forms: the liaison's answer with evidence files,
 * the commission's verification or send-back. A liaison reaches their own
 * unit's pages only; every other unit, and everything else, is 403.
 */
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { activeUnits, isActiveUnit } from '../cases/taxonomy/taxonomy.service';
import { chinaDateOf } from '../lib/china-time';
import { FormRefusal, readForm, refuseField, typedValues, whenRefused } from '../lib/forms';
import { forbidden, notFound } from '../lib/http-error';
import { evidenceUpload, uploadedFileReaders } from '../lib/uploads';
import { toCsv } from '../oversight/csv';
import { recordAudit } from '../audit/audit.service';
import { requireRole, type SignedInStaff } from '../staff/access';
import { unlockedCommissionKey } from '../staff/unlock';
import { Case } from '../cases/case.model';
import { canSee } from '../triage/case-access';
import { checkSeesUnit, isCommission, isLiaisonOf } from './item-access';
import { problemList, problemListCsv, unitCaseFigures } from './problem-list.service';
import { openItemLights, lightOf } from './rectification-lights';
import { listIds } from './rectification-lists.model';
import { readRows } from './rectification-lists.service';
import { fileSummaries, openFile } from './rectification-files.service';
import { answerForm, buttonForm, openItemFields, openItemForm, rectificationMessages, sendBackForm } from './rectification.schema';
import { answerItem, findItem, itemSourceOf, openItem, sendBackItem, verifyItem } from './rectification-steps.service';

export interface RectificationRoutesDeps {
  commissionPublicKey: string;
  uploadDir: string;
}

const anyRectificationRole = requireRole('supervisor', 'intake', 'liaison');
const commission = requireRole('supervisor', 'intake');
const supervisors = requireRole('supervisor');
const today = (): string => chinaDateOf(new Date());
const staffOf = (res: Response): SignedInStaff => res.locals.staff!;

export function rectificationRoutes(deps: RectificationRoutesDeps): Router {
  const router = Router();

  router.get('/rectification', anyRectificationRole, async (_req, res) => {
    const staff = staffOf(res);
    if (!isCommission(staff)) {
      if (!staff.unitCode) throw forbidden();
      return res.redirect(303, `/staff/rectification/units/${staff.unitCode}`);
    }
    const [lights, open, units] = await Promise.all([openItemLights(today()), readRows(listIds.open), activeUnits(res.locals.lang, { includeInactive: true })]);
    const openByUnit = new Map<string, number>();
    for (const row of open) openByUnit.set(row.unitCode, (openByUnit.get(row.unitCode) ?? 0) + 1);
    const names = unitNames(units);
    res.render('rectification/index', {
      title: 'rectification.index.title', lights,
      red: lights.red.map((row) => ({ ...row, unitName: names[row.unitCode] ?? row.unitCode })),
      units: units.filter((unit) => unit.active || openByUnit.has(unit.code)).map((unit) => ({ ...unit, open: openByUnit.get(unit.code) ?? 0 })),
    });
  });

  router.get('/rectification/new', supervisors, async (req, res) => {
    const reference = typeof req.query.case === 'string' ? req.query.case.slice(0, 20) : '';
    await renderNewForm(res, reference, {});
  });

  router.post('/rectification/new', supervisors, (req, res) =>
    whenRefused(async () => {
      const form = readForm(openItemForm, req.body, { ...rectificationMessages, hidden: ['_csrf', 'reference'] });
      if (!(await isActiveUnit(form.unit))) throw refuseField('unit', 'rectification.errors.unit');
      const id = await openItem(staffOf(res), form, today());
      res.redirect(303, `/staff/rectification/items/${id}?done=opened`);
    }, (refusal) => renderNewForm(res.status(refusal.status), String(req.body?.reference ?? '').slice(0, 20), { refusal, values: typedValues(req.body, openItemFields) })),
  );

  router.get('/rectification/units/:unit.csv', anyRectificationRole, async (req, res) => {
    const unitCode = await knownUnit(req.params.unit);
    checkSeesUnit(staffOf(res), unitCode);
    const list = await problemList(unitCode, today());
    await recordAudit({ actor: staffOf(res).id, action: 'rectification.listExported', details: { unit: unitCode } });
    res.type('text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="qingfeng-rectification-${unitCode}-${today()}.csv"`);
    res.send(toCsv(problemListCsv(list, (key) => res.locals.t(key))));
  });

  router.get('/rectification/units/:unit', anyRectificationRole, async (req, res) => {
    const unitCode = await knownUnit(req.params.unit);
    const staff = staffOf(res);
    checkSeesUnit(staff, unitCode);
    const [list, units, caseFigures] = await Promise.all([
      problemList(unitCode, today()), activeUnits(res.locals.lang, { includeInactive: true }), isCommission(staff) ? unitCaseFigures(unitCode, staff.roles.includes('supervisor')) : null,
    ]);
    res.render('rectification/unit', { title: 'rectification.unit.title', unitCode, unitName: unitNames(units)[unitCode], list, caseFigures, isCommission: isCommission(staff), printedOn: today() });
  });

  router.get('/rectification/items/:id', anyRectificationRole, async (req, res) => {
    await renderItem(req, res, {});
  });

  router.post('/rectification/items/:id/answer', requireRole('liaison'), liaisonOfItem, evidenceUpload('evidence', deps.uploadDir), (req, res) =>
    whenRefused(async () => {
      const form = readForm(answerForm, req.body, rectificationMessages);
      const outcome = await answerItem(staffOf(res), String(req.params.id), form.text, uploadedFileReaders(req), deps.commissionPublicKey, today());
      if (!outcome.ok) throw refuseField('evidence', `reports.evidenceRefused.${outcome.reason}`, 422, { fileNumber: outcome.fileNumber });
      res.redirect(303, `/staff/rectification/items/${String(req.params.id)}?done=answered`);
    }, (refusal) => renderItem(req, res.status(refusal.status), { refusal, values: typedValues(req.body, ['text']) })),
  );

  router.post('/rectification/items/:id/verify', commission, (req, res) =>
    whenRefused(async () => {
      readForm(buttonForm, req.body, rectificationMessages);
      await verifyItem(staffOf(res), String(req.params.id), today());
      res.redirect(303, `/staff/rectification/items/${String(req.params.id)}?done=verified`);
    }, (refusal) => renderItem(req, res.status(refusal.status), { refusal })),
  );

  router.post('/rectification/items/:id/send-back', commission, (req, res) =>
    whenRefused(async () => {
      const form = readForm(sendBackForm, req.body, rectificationMessages);
      await sendBackItem(staffOf(res), String(req.params.id), form.reason, today());
      res.redirect(303, `/staff/rectification/items/${String(req.params.id)}?done=sentBack`);
    }, (refusal) => renderItem(req, res.status(refusal.status), { refusal, values: typedValues(req.body, ['reason']) })),
  );

  router.get('/rectification/items/:id/files/:fileId', commission, async (req, res) => {
    const privateKey = unlockedCommissionKey(req);
    if (!privateKey) throw forbidden();
    const file = await openFile((await findItem(String(req.params.id)))._id, String(req.params.fileId), privateKey);
    if (!file) throw notFound();
    await recordAudit({ actor: staffOf(res).id, action: 'rectification.fileOpened', details: { itemId: String(req.params.id), fileId: String(req.params.fileId) } });
    res.type(file.mimeType);
    res.setHeader('Content-Disposition', `attachment; filename="rectification-${String(req.params.fileId).slice(0, 8)}.${file.extension}"`);
    res.send(file.bytes);
  });

  return router;
}

/** Before any file is read: a liaison answers their own unit's items only. */
const liaisonOfItem: RequestHandler = async (req, res, next) => {
  const item = await findItem(String(req.params.id));
  if (!isLiaisonOf(staffOf(res), item.unitCode)) throw forbidden();
  next();
};

async function knownUnit(value: unknown): Promise<string> {
  const code = String(value);
  const units = await activeUnits('zh', { includeInactive: true });
  if (!units.some((unit) => unit.code === code)) throw notFound();
  return code;
}

function unitNames(units: ReadonlyArray<{ code: string; name: string }>): Record<string, string> {
  return Object.fromEntries(units.map((unit) => [unit.code, unit.name]));
}

async function renderNewForm(res: Response, reference: string, view: { refusal?: FormRefusal; values?: Record<string, string> }): Promise<void> {
  if (!/^TZ-\d{4}-\d{5,}$/.test(reference)) throw notFound();
  const source = await itemSourceOf(reference);
  const errors = view.refusal?.fields ?? {};
  const status = source ? res.statusCode : 409;
  res.status(status).render('rectification/new', {
    title: 'rectification.new.title', reference, source, units: await activeUnits(res.locals.lang),
    existing: source ? await readRows(listIds.ofCase(source.caseId)) : [],
    values: { unit: source?.unitCode ?? '', workingDays: '20', ...view.values },
    errors, errorList: Object.entries(errors).map(([field, message]) => ({ field, message })),
  });
}

async function renderItem(req: Request, res: Response, view: { refusal?: FormRefusal; values?: Record<string, string> }): Promise<void> {
  const item = await findItem(String(req.params.id));
  const staff = staffOf(res);
  checkSeesUnit(staff, item.unitCode);
  const units = await activeUnits(res.locals.lang, { includeInactive: true });
  const answers = await Promise.all(item.answers.map(async (answer) => ({ ...answer, files: await fileSummaries(answer.fileIds) })));
  const errors = view.refusal?.fields ?? {};
  // The case is named only to those who may open it: a retaliation case or one about the commission's staff stays the supervisors'.
  const tiedCase = isCommission(staff) && item.caseId ? await Case.findById(item.caseId, { concernsCommission: 1, supervisorsOnly: 1, assigneeId: 1 }).lean() : null;
  const done = typeof req.query.done === 'string' && ['opened', 'answered', 'verified', 'sentBack'].includes(req.query.done) ? req.query.done : undefined;
  res.render('rectification/item', {
    title: 'rectification.item.title', item, answers, unitName: unitNames(units)[item.unitCode] ?? item.unitCode,
    light: lightOf({ state: item.state, dueDate: item.dueDate, reportedDate: item.answers.at(-1)?.date ?? null, closedOnTime: item.closedOnTime ?? null }, today()),
    isCommission: isCommission(staff), showsCase: Boolean(tiedCase && canSee(staff, tiedCase)), canAnswer: isLiaisonOf(staff, item.unitCode) && item.state === 'open',
    canDecide: isCommission(staff) && item.state === 'reported', canOpenFiles: isCommission(staff) && Boolean(unlockedCommissionKey(req)),
    done, values: view.values ?? {}, errors, errorList: Object.entries(errors).map(([field, message]) => ({ field, message })), fileNumber: view.refusal?.context.fileNumber,
  });
}
