/**
 * /staff/admin/retention: administrators set the periods and put cases on
 * hold or release them. /staff/retention: supervisors see which cases will be
 * purged within a month. No case content on either page: references, classes, dates.
 */
import { Router } from 'express';
import { z } from 'zod';
import { readForm, whenRefused, type FormRefusal, type FormMessages } from '../lib/forms';
import { requireRole } from '../staff/access';
import { heldCases, holdCase, holdReasons, releaseCase } from './case-hold.service';
import { casesDueBy } from './purge-schedule.service';
import { addMonths } from '../cases/deadlines';
import { retentionClasses, retentionToday, type RetentionMonths } from './retention-rules';
import { retentionRules, setRetentionRules } from './retention-settings.service';

const months = z.string().trim().regex(/^\d{1,3}$/, 'months').transform(Number).pipe(z.number().int().min(1).max(600));
const rulesForm = z.object({ _csrf: z.string().max(300), codeExpiryMonths: months, ...Object.fromEntries(retentionClasses.map((name) => [name, months])) }).strict();
const holdForm = z.object({ _csrf: z.string().max(300), reference: z.string().trim().toUpperCase().regex(/^TZ-\d{4}-\d{5,}$/), reason: z.enum(holdReasons) }).strict();
const rulesMessages: FormMessages = { prefix: 'retention.errors', codes: new Set(['months']) };
const holdMessages: FormMessages = { prefix: 'retention.errors' };

export function retentionRoutes(): Router {
  const router = Router();
  const admin = requireRole('admin');

  router.get('/admin/retention', admin, async (req, res) => {
    res.render('retention/settings', await settingsView({ done: typeof req.query.done === 'string' ? req.query.done : undefined }));
  });

  router.post('/admin/retention/rules', admin, (req, res) =>
    whenRefused(async () => {
      const form = readForm(rulesForm, req.body, rulesMessages) as unknown as Record<string, number>;
      await setRetentionRules({ months: Object.fromEntries(retentionClasses.map((name) => [name, form[name]])) as RetentionMonths, codeExpiryMonths: form.codeExpiryMonths }, res.locals.staff!.id);
      res.redirect(303, '/staff/admin/retention?done=rules');
    }, async (refusal) => res.status(refusal.status).render('retention/settings', await settingsView({ rulesValues: req.body, rulesErrors: refusal.fields, errorList: errorList(refusal) }))),
  );

  for (const [path, act] of [['hold', holdCase], ['release', releaseCase]] as const) {
    router.post(`/admin/retention/${path}`, admin, (req, res) =>
      whenRefused(async () => {
        const form = readForm(holdForm, req.body, holdMessages);
        await act(form.reference, form.reason, res.locals.staff!.id);
        res.redirect(303, `/staff/admin/retention?done=${path}`);
      }, async (refusal) => res.status(refusal.status).render('retention/settings', await settingsView({ [`${path}Values`]: req.body, [`${path}Errors`]: refusal.fields, errorList: errorList(refusal, path === 'hold' ? 'hold-' : '') }))),
    );
  }

  router.get('/retention', requireRole('supervisor'), async (_req, res) => {
    const today = retentionToday();
    const horizon = addMonths(today, 1);
    const rules = await retentionRules();
    const due = await casesDueBy(horizon, rules.months);
    res.render('retention/upcoming', { title: 'retention.upcoming.title', today, horizon, due: due.filter((item) => !item.held), held: await heldCases() });
  });

  return router;
}

async function settingsView(extra: Record<string, unknown>) {
  const rules = await retentionRules();
  return {
    title: 'retention.settings.title',
    classes: retentionClasses.map((name) => ({ name, months: rules.months[name] })),
    codeExpiryMonths: rules.codeExpiryMonths,
    reasons: holdReasons,
    held: await heldCases(),
    ...extra,
  };
}

/** The summary's links lead to the fields' ids (the hold form's are `hold-<field>`). */
function errorList(refusal: FormRefusal, idPrefix = '') {
  return Object.entries(refusal.fields).map(([field, message]) => ({ field: `${idPrefix}${field}`, message }));
}
