/** For the load balancer and operators: is the process up, is the database reachable. */
import { Router } from 'express';
import { pingDatabase } from '../lib/db';

export function healthRoutes(): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const database = await pingDatabase();
    res.status(database ? 200 : 503).json({ status: database ? 'ready' : 'unavailable', database: database ? 'ok' : 'unreachable' });
  });
  return router;
}
