/**
 * The monthly report for supervisors, in the staff area (which provides the
 * session and res.locals.staff):
 * /staff/reports (the months), /staff/reports/YYYY-MM (the report, with
 * charts, printable on A4) and /staff/reports/YYYY-MM/TABLE.csv (one table).
 * Every view and export goes to the audit trail.
 */
import { Router, type Response } from 'express';
import { recordAudit } from '../audit/audit.service';
import { chinaMinuteOf } from '../lib/china-time';
import { forbidden, notFound } from '../lib/http-error';
import { requireRole, type SignedInStaff } from '../staff/access';
import { toCsv } from './csv';
import { csvFileName, reportZip } from './report-zip';
import { addMonthsToKey, isReportableMonth } from './months';
import { monthlyReport, monthlyReportTableIds } from './monthly-report.service';
import { monthlyReportIndex } from './monthly-report-index.service';
import { csvRows, type Translate } from './monthly-report-table';
import { monthlyReportSections, sectionCsvTables } from './monthly-report-sections';

const supervisors = requireRole('supervisor');

export function oversightStaffRoutes(): Router {
  const router = Router();

  router.get('/reports', supervisors, async (_req, res) => {
    res.render('oversight/monthly-report-index', { title: 'oversight.index.title', months: await monthlyReportIndex(res.locals.lang) });
  });

  router.get('/reports/:month', supervisors, async (req, res) => {
    const month = reportMonth(req.params.month);
    const [report, sections] = await Promise.all([monthlyReport(month, res.locals.lang, translate(res)), monthlyReportSections(month, res.locals.lang)]);
    // The entry recording this view is the chain's head as printed: the anchor on paper.
    const auditAnchor = await recordAudit({ actor: staffOf(res).id, action: 'report.viewed', details: { month } });
    const [before, after] = [addMonthsToKey(month, -1), addMonthsToKey(month, 1)];
    res.render('oversight/monthly-report', {
      title: 'oversight.report.title',
      ...report,
      ...sections,
      generatedAt: chinaMinuteOf(new Date()),
      auditAnchor,
      previousHref: isReportableMonth(before) ? `/staff/reports/${before}` : null,
      nextHref: isReportableMonth(after) ? `/staff/reports/${after}` : null,
    });
  });

  router.get('/reports/:month/tables.zip', supervisors, async (req, res) => {
    const month = reportMonth(req.params.month);
    const [report, sections] = await Promise.all([monthlyReport(month, res.locals.lang, translate(res)), monthlyReportSections(month, res.locals.lang)]);
    await recordAudit({ actor: staffOf(res).id, action: 'report.exported', details: { month, table: 'all' } });
    res.type('application/zip');
    res.setHeader('Content-Disposition', `attachment; filename="qingfeng-${month}-tables.zip"`);
    res.send(Buffer.from(reportZip(report, sectionCsvTables(sections, translate(res)))));
  });

  router.get('/reports/:month/:table.csv', supervisors, async (req, res) => {
    const month = reportMonth(req.params.month);
    const tableId = String(req.params.table);
    if (!(monthlyReportTableIds as readonly string[]).includes(tableId)) throw notFound();
    const report = await monthlyReport(month, res.locals.lang, translate(res));
    const table = report.tables.find((candidate) => candidate.id === tableId);
    if (!table) throw notFound();
    await recordAudit({ actor: staffOf(res).id, action: 'report.exported', details: { month, table: tableId } });
    res.type('text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${csvFileName(month, tableId)}"`);
    res.send(toCsv(csvRows(table)));
  });

  return router;
}

function reportMonth(value: unknown): string {
  const month = String(value);
  if (!isReportableMonth(month)) throw notFound();
  return month;
}

function translate(res: Response): Translate {
  return (key, options) => res.locals.t(key, options ?? {});
}

function staffOf(res: Response): SignedInStaff {
  if (!res.locals.staff) throw forbidden();
  return res.locals.staff;
}
