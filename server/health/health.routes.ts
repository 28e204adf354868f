/**
 * For the load balancer and operators: is the process up; is it ready, that
 * is, has its start-up work on the database (the lists the report form
 * offers, the calendar) finished, and is the database reachable now.
 */
import { Router } from 'express';
import { pingDatabase } from '../lib/db';

export function healthRoutes(startedUp: () => boolean = () => true): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    if (!startedUp()) return void res.status(503).json({ status: 'starting' });
    const database = await pingDatabase();
    res.status(database ? 200 : 503).json({ status: database ? 'ready' : 'unavailable', database: database ? 'ok' : 'unreachable' });
  });
  return router;
}
