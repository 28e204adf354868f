/**
 * The confirmation of a report as a page of its own, for the few minutes its
 * sealed cookie lives (receipt-cookie.ts): the language switch and a reload
 * land here and show the same code again. "I have written it down" ends it.
 */
import { Router, type Response } from 'express';
import { z } from 'zod';
import { formatTrackingCode } from '../cases/sealing/tracking-code';
import { activeUnits } from '../cases/taxonomy/taxonomy.service';
import type { SealedCookie } from '../lib/sealed-cookie';
import { forgetReceipt, readReceipt, receiptPath, type Receipt } from './receipt-cookie';

export interface ReceiptDeps {
  cookie: SealedCookie;
  publicUrl: string;
}

const doneForm = z.object({ _csrf: z.string(), writtenDown: z.literal('yes').optional() }).strict();

export function receiptRoutes(deps: ReceiptDeps): Router {
  const router = Router();

  router.get(receiptPath, async (req, res) => {
    const receipt = readReceipt(req, res, deps.cookie);
    if (!receipt) return res.status(404).render('reports/receipt-gone', { title: 'receipt.gone.title' });
    await renderReceipt(res, receipt, deps.publicUrl);
  });

  router.post(`${receiptPath}/done`, async (req, res) => {
    const form = doneForm.safeParse(req.body);
    const receipt = readReceipt(req, res, deps.cookie);
    if (form.success && form.data.writtenDown !== 'yes' && receipt) {
      return renderReceipt(res.status(422), receipt, deps.publicUrl, { errors: { writtenDown: 'receipt.done.required' } });
    }
    forgetReceipt(res, deps.cookie);
    res.redirect(303, '/');
  });

  return router;
}

/** The confirmation page, whether it answers the POST itself or the receipt's GET. */
export async function renderReceipt(res: Response, receipt: Receipt, publicUrl: string, extra: Record<string, unknown> = {}): Promise<void> {
  const units = await activeUnits(res.locals.lang, { includeInactive: true });
  // The language switch on this page comes back here, not to the empty form.
  res.locals.currentPath = receiptPath;
  res.render('reports/confirmation', {
    title: 'reports.confirmation.title',
    code: formatTrackingCode(receipt.code),
    codeGroups: formatTrackingCode(receipt.code).split(' '),
    unitName: units.find((unit) => unit.code === receipt.unit)?.name ?? receipt.unit,
    receivedDate: receipt.receivedDate,
    fileCount: receipt.fileCount,
    portalAddress: publicUrl,
    ...extra,
  });
}
