/**
 * Administrators (/staff/admin/windows): register a service window (unit,
 * hall, number), list them, and open a window's poster (A4, its QR code and
 * short address) to print. Registering and opening a poster are audited.
 */
import { Router, type Response } from 'express';
import { recordAudit } from '../audit/audit.service';
import { otherUnitCode } from '../cases/taxonomy/taxonomy-seed';
import { activeUnits } from '../cases/taxonomy/taxonomy.service';
import { readForm, typedValues, whenRefused, type FormMessages, type FormRefusal } from '../lib/forms';
import { notFound } from '../lib/http-error';
import { requireRole } from '../staff/access';
import { qrCodeSvg, windowAddress } from './window-poster';
import { listWindows, registerWindow, windowById } from './window-register.service';
import { registerWindowFields, registerWindowSchema } from './window.schema';

const registerMessages: FormMessages = { prefix: 'windows.admin.errors' };

export function windowAdminRoutes(publicUrl: string): Router {
  const router = Router();
  const adminOnly = requireRole('admin');

  router.get('/admin/windows', adminOnly, async (req, res) => {
    await renderList(res, { values: {}, registered: typeof req.query.registered === 'string' ? req.query.registered : undefined });
  });

  router.post('/admin/windows', adminOnly, (req, res) => whenRefused(async () => {
    const form = readForm(registerWindowSchema, req.body, registerMessages);
    const window = await registerWindow(form, res.locals.staff!.id);
    res.redirect(303, `/staff/admin/windows?registered=${window.id}`);
  }, (refusal) => renderList(res.status(refusal.status), { values: typedValues(req.body, registerWindowFields), refusal })));

  router.get('/admin/windows/:id/poster', adminOnly, async (req, res) => {
    const window = await windowById(req.params.id);
    if (!window) throw notFound();
    const address = windowAddress(publicUrl, window.id);
    await recordAudit({ actor: res.locals.staff!.id, action: 'window.posterOpened', details: { window: window.id } });
    res.render('windows/poster', {
      layout: 'poster', title: 'windows.poster.title', window, address, shortAddress: address.replace(/^https?:\/\//, ''),
      unitName: await unitName(res, window.unitCode), qrSvg: await qrCodeSvg(address),
    });
  });

  return router;
}

async function unitName(res: Response, code: string): Promise<string> {
  return (await activeUnits(res.locals.lang, { includeInactive: true })).find((unit) => unit.code === code)?.name ?? code;
}

async function renderList(res: Response, view: { values: Record<string, string>; refusal?: FormRefusal; registered?: string }): Promise<void> {
  const [windows, units] = await Promise.all([listWindows(), activeUnits(res.locals.lang, { includeInactive: true })]);
  const names = new Map(units.map((unit) => [unit.code, unit.name]));
  const errors = view.refusal?.fields ?? {};
  res.render('windows/admin-list', {
    title: 'windows.admin.title', values: view.values, errors, errorList: Object.entries(errors).map(([field, message]) => ({ field: `window-${field}`, message })),
    windows: windows.map((window) => ({ ...window, unitName: names.get(window.unitCode) ?? window.unitCode })),
    units: units.filter((unit) => unit.active && unit.code !== otherUnitCode), registered: windows.find((window) => window.id === view.registered),
  });
}
