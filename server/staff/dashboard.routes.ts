/** GET /staff: the sign-in page for visitors, the dashboard for signed-in staff. */
import { Router } from 'express';
import { z } from 'zod';
import { hasRole } from './access';
import { caseRoles } from './staff.model';
import { unlockedCommissionKey } from './unlock';
import { dayCounts } from '../triage/queue-counts.service';
import { dashboardRectification } from '../rectification/rectification-lights';

const dashboardQuery = z.object({ done: z.enum(['passwordChanged']).optional().catch(undefined) });

export function dashboardRoutes(): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const staff = res.locals.staff;
    if (!staff) return res.render('staff/sign-in', { title: 'staff.signIn.title', values: {} });
    if (staff.mustChangePassword) return res.redirect(303, '/staff/password');
    const handlesCases = hasRole(res, ...caseRoles);
    res.render('staff/dashboard', {
      title: 'staff.dashboard.title',
      counts: handlesCases ? await dayCounts(staff) : null,
      done: dashboardQuery.parse(req.query).done,
      unlocked: Boolean(unlockedCommissionKey(req)),
      canSeeCases: hasRole(res, ...caseRoles, 'custodian'),
      canSeeAudit: hasRole(res, 'supervisor', 'admin'),
      canSeeApprovals: hasRole(res, 'supervisor', 'custodian', 'admin'),
      canSeeReports: hasRole(res, 'supervisor'),
      isAdmin: hasRole(res, 'admin'),
      rectification: hasRole(res, 'supervisor', 'intake') ? await dashboardRectification() : null,
    });
  });

  return router;
}
