/**
 * The unit assessment for supervisors, in the staff area:
 * /staff/assessment (the periods), /staff/assessment/2026-Q4 or /2026 (the
 * page, printable on A4), /staff/assessment/2026-Q4.csv (its table) and
 * /staff/assessment/weights (the weights form). Views, exports and changes
 * of the weights are audited.
 */
import { Router, type Response } from 'express';
import { recordAudit } from '../audit/audit.service';
import { chinaMinuteOf } from '../lib/china-time';
import { readForm, typedValues, whenRefused, type FormRefusal } from '../lib/forms';
import { notFound } from '../lib/http-error';
import { toCsv } from '../oversight/csv';
import type { Translate } from '../oversight/monthly-report-table';
import { requireRole } from '../staff/access';
import { weightedIndicators } from './assessment-indicators';
import { parsePeriod, recentPeriods, type AssessmentPeriod } from './assessment-periods';
import { assessmentCsvRows, periodName, unitAssessment } from './assessment.service';
import { weightFields, weightsFormMessages, weightsFormSchema } from './assessment-weights.schema';
import { assessmentWeights, setAssessmentWeights } from './assessment-weights.service';
import type { Weights } from './assessment-score';

const supervisors = requireRole('supervisor');

export function assessmentRoutes(): Router {
  const router = Router();

  router.get('/assessment', supervisors, (_req, res) => {
    const { quarters, years } = recentPeriods();
    const named = (ids: string[]) => ids.map((id) => parsePeriod(id)).filter((period): period is AssessmentPeriod => period !== null).map((period) => ({ id: period.id, name: periodName(period, translate(res)) }));
    res.render('assessment/index', { title: 'assessment.index.title', quarters: named(quarters), years: named(years) });
  });

  router.get('/assessment/weights', supervisors, async (req, res) => {
    res.render('assessment/weights', await weightsView({ saved: req.query.saved === '1' }));
  });

  router.post('/assessment/weights', supervisors, (req, res) =>
    whenRefused(async () => {
      const form = readForm(weightsFormSchema, req.body, weightsFormMessages) as unknown as Weights;
      await setAssessmentWeights(form, res.locals.staff!.id);
      res.redirect(303, '/staff/assessment/weights?saved=1');
    }, async (refusal: FormRefusal) => res.status(refusal.status).render('assessment/weights', await weightsView({
      values: typedValues(req.body, weightFields), errors: refusal.fields,
      errorList: Object.entries(refusal.fields).map(([field, message]) => ({ field: `weight-${field}`, message })),
    }))),
  );

  router.get('/assessment/:period.csv', supervisors, async (req, res) => {
    const period = periodOf(req.params.period);
    const assessment = await unitAssessment(period, res.locals.lang, translate(res));
    await recordAudit({ actor: res.locals.staff!.id, action: 'assessment.exported', details: { period: period.id } });
    res.type('text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="qingfeng-assessment-${period.id}.csv"`);
    res.send(toCsv(assessmentCsvRows(assessment, translate(res))));
  });

  router.get('/assessment/:period', supervisors, async (req, res) => {
    const period = periodOf(req.params.period);
    const assessment = await unitAssessment(period, res.locals.lang, translate(res));
    await recordAudit({ actor: res.locals.staff!.id, action: 'assessment.viewed', details: { period: period.id } });
    res.render('assessment/assessment', { title: 'assessment.page.title', ...assessment, generatedAt: chinaMinuteOf(new Date()), csvHref: `/staff/assessment/${period.id}.csv` });
  });

  return router;
}

async function weightsView(extra: { saved?: boolean; values?: Record<string, string>; errors?: Record<string, string>; errorList?: Array<{ field: string; message: string }> }) {
  const weights = await assessmentWeights();
  return {
    title: 'assessment.weights.title',
    fields: weightedIndicators.map((indicator) => ({
      key: indicator.weightKey, labelKey: indicator.labelKey, readingKey: indicator.readingKey,
      value: extra.values ? extra.values[indicator.weightKey] : String(weights[indicator.weightKey]),
      error: extra.errors?.[indicator.weightKey],
    })),
    ...extra,
  };
}

function periodOf(value: unknown): AssessmentPeriod {
  const period = parsePeriod(String(value));
  if (!period) throw notFound();
  return period;
}

function translate(res: Response): Translate {
  return (key, options) => res.locals.t(key, options ?? {});
}
