/**
 * The public figures: /figures shows the last complete month, /figures/YYYY-MM
 * any complete month. No session, no form, nothing but counts.
 */
import { Router, type Response } from 'express';
import { notFound } from '../lib/http-error';
import { addMonthsToKey, currentMonth, isCompleteMonth, previousMonth } from './months';
import { monthLabel } from './month-label';
import { publicFigures } from './public-figures.service';
import { publicMeasures } from './public-measures';
import { publicRetaliation, publicSatisfaction } from '../voice/voice-figures.service';
import { publicWindowRatings } from '../windows/window-figures';

export function figuresRoutes(): Router {
  const router = Router();

  router.get('/figures', async (_req, res) => {
    await render(res, previousMonth(currentMonth()));
  });

  router.get('/figures/:month', async (req, res) => {
    const month = String(req.params.month);
    // The month under way: say when its figures come, rather than "not found".
    if (month === currentMonth()) return res.render('oversight/figures-pending', { title: 'oversight.figures.title', month: monthLabel(month, res.locals.lang), publishedOn: `${addMonthsToKey(month, 1)}-01` });
    if (!isCompleteMonth(month)) throw notFound();
    await render(res, month);
  });

  return router;
}

async function render(res: Response, month: string): Promise<void> {
  const t = (key: string, options?: Record<string, unknown>) => res.locals.t(key, options ?? {});
  const [figures, satisfaction, retaliation, windowRatings, measures] = await Promise.all([publicFigures(month, res.locals.lang, t), publicSatisfaction(month, res.locals.lang, t), publicRetaliation(month, t), publicWindowRatings(month, res.locals.lang, t), publicMeasures(month, t)]);
  res.render('oversight/figures', { title: 'oversight.figures.title', ...figures, satisfaction, retaliation, windowRatings, measures });
}
