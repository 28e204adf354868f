/**
 * /staff/admin: the administrators' screens. Staff accounts, the units and
 * problem categories the report form offers, and the working-day calendar.
 * Administrators see no case content here.
 */
import { Router } from 'express';
import { requireRole } from '../access';
import { accountRoutes, type AccountRoutesDeps } from './accounts.routes';
import { calendarRoutes } from './calendar.routes';
import { taxonomyRoutes } from './taxonomy.routes';

export function adminRoutes(deps: AccountRoutesDeps): Router {
  const router = Router();
  router.use(requireRole('admin'));
  router.use('/accounts', accountRoutes(deps));
  router.use('/taxonomy', taxonomyRoutes());
  router.use('/calendar', calendarRoutes());
  return router;
}
