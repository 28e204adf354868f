/** /staff/admin/calendar: administrators extend the working-day calendar. */
import { Router } from 'express';
import { z } from 'zod';
import { FormRefusal, readForm, whenRefused, type FormMessages } from '../../lib/forms';
import { addCalendarEntry, storedCalendarEntries } from '../../cases/calendar.service';
import { workingCalendar } from '../../cases/deadlines';

// A message per field (calendar.errors.<field>); the wrong dates are listed beside their list.
const calendarMessages: FormMessages = { prefix: 'calendar.errors' };

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
      const problems = await addCalendarEntry(withoutCsrf(readForm(entryForm, req.body, calendarMessages)), res.locals.staff!.id);
      if (problems.length > 0) {
        const listed = (field: string) => problems.filter((problem) => problem.field === field).map(({ code, date, year }) => res.locals.t(`calendar.problems.${code}`, { date, year }));
        throw new FormRefusal(Object.fromEntries(problems.map((problem) => [problem.field, `calendar.errors.${problem.field}Dates`])), 422, { holidays: listed('holidays'), workdays: listed('workdays') });
      }
      res.redirect(303, '/staff/admin/calendar?done=added');
    }, async (refusal) => {
      const errors = refusal.fields;
      res.status(refusal.status).render('staff/admin/calendar', {
        title: 'calendar.title', ...(await calendarView()), values: req.body, errors, dateProblems: refusal.context,
        errorList: Object.entries(errors).map(([field, message]) => ({ field, message })),
      });
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
