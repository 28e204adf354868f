/**
 * /staff/approvals: the account changes waiting for a second person.
 * Supervisors and custodians approve or reject (with a reason code) what
 * someone else asked for about someone else; administrators see the same
 * list read-only, as what awaits approval.
 */
import { Router, type Response } from 'express';
import { z } from 'zod';
import { FormRefusal, readForm, whenRefused } from '../../lib/forms';
import { hasRole, requireRole } from '../access';
import { staffFormMessages } from '../staff.schema';
import { approvalLifetimeHours } from '../duties';
import { approveChange, rejectChange, rejectionReasons } from './decisions.service';
import { approvalsForScreen } from './approvals-screen';

const doneQuery = z.object({ done: z.enum(['approved', 'rejected']).optional().catch(undefined) });
const rejectForm = z.object({ reason: z.enum(rejectionReasons, { errorMap: () => ({ message: 'reasonRequired' }) }) });
const rejectMessages = { ...staffFormMessages, codes: new Set([...(staffFormMessages.codes ?? []), 'reasonRequired']) };

export function approvalRoutes(deps: { totpSecret: string }): Router {
  const router = Router();
  router.use(requireRole('supervisor', 'custodian', 'admin'));
  const deciders = requireRole('supervisor', 'custodian');

  router.get('/', async (req, res) => {
    await approvalsPage(res, { done: doneQuery.parse(req.query).done });
  });

  router.post('/:id/approve', deciders, (req, res) =>
    whenRefused(async () => {
      await approveChange(String(req.params.id), res.locals.staff!.id, deps);
      res.redirect(303, '/staff/approvals?done=approved');
    }, (refusal) => approvalsPage(res, { refusal })),
  );

  router.post('/:id/reject', deciders, (req, res) =>
    whenRefused(async () => {
      const form = readForm(rejectForm, req.body, rejectMessages);
      await rejectChange(String(req.params.id), res.locals.staff!.id, form.reason);
      res.redirect(303, '/staff/approvals?done=rejected');
    }, (refusal) => approvalsPage(res, { refusal, refusedId: String(req.params.id) })),
  );

  return router;
}

async function approvalsPage(res: Response, view: { done?: string; refusal?: FormRefusal; refusedId?: string }): Promise<void> {
  const staff = res.locals.staff!;
  res.status(view.refusal?.status ?? 200).render('staff/approvals', {
    title: 'staff.approvals.title',
    approvals: await approvalsForScreen(staff),
    canDecide: hasRole(res, 'supervisor', 'custodian'),
    reasons: rejectionReasons,
    hours: approvalLifetimeHours,
    done: view.done,
    errors: view.refusal?.fields ?? {},
    refusedId: view.refusedId,
  });
}
