/** /staff/admin/calendar: administrators extend the working-day calendar. */
import { Router } from 'express';
import { z } from 'zod';
import { readForm, whenRefused, type FormMessages } from '../../lib/forms';
import { addCalendarEntry, storedCalendarEntries } from '../../cases/calendar.service';
import { workingCalendar } from '../../cases/deadlines';

// One message says what the entry needs.
const calendarMessages: FormMessages = { prefix: 'calendar', codes: new Set() };

const dateList = z.string().max(4000).transform((value) => value.split(/[\s,，、]+/).filter(Boolean));

const entryForm = z
  .object({
    _csrf: z.string().max(300),
    year: z.coerce.number().int().min(2020).max(2100),
    holidays: dateList,
    workdays: dateList,
    source: z.string().trim().min(1).max(300),
    provisional: z.literal('yes').optional().transform((value) => value === 'yes'),
  })
  .strict();

export function calendarRoutes(): Router {
  const router = Router();

  router.get('/', async (_req, res) => {
    res.render('staff/admin/calendar', { title: 'calendar.title', ...(await calendarView()), values: {} });
  });

  router.post('/', (req, res) =>
    whenRefused(async () => {
      await addCalendarEntry(withoutCsrf(readForm(entryForm, req.body, calendarMessages)), res.locals.staff!.id);
      res.redirect(303, '/staff/admin/calendar?done=added');
    }, async (refusal) => {
      res.status(refusal.status).render('staff/admin/calendar', { title: 'calendar.title', ...(await calendarView()), values: req.body, problems: refusal.context.problems ?? [], invalid: true });
    }),
  );

  return router;
}

async function calendarView() {
  const years = [...workingCalendar().years.entries()]
    .sort(([a], [b]) => a - b)
    .map(([year, days]) => ({ year, holidays: days.holidays.size, workdays: days.workdays.size, provisional: days.provisional, sources: days.sources }));
  return { years, entries: await storedCalendarEntries() };
}

function withoutCsrf<T extends { _csrf: string }>(form: T): Omit<T, '_csrf'> {
  const { _csrf: _ignored, ...entry } = form;
  return entry;
}
