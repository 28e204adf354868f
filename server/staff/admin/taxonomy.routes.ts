/** /staff/admin/taxonomy: administrators add, rename, reorder and switch off units and categories. */
import { Router, type Response } from 'express';
import { HttpError } from '../../lib/http-error';
import { categoryGroups } from '../../cases/taxonomy/category.model';
import { addTaxonomyEntry, changeTaxonomyEntry, isTaxonomyListName, taxonomyEntry, taxonomyForms, type TaxonomyListName, type TaxonomyProblem } from '../../cases/taxonomy/taxonomy-admin.service';
import { forgetTaxonomyLists, taxonomyLists } from '../../cases/taxonomy/taxonomy.service';

const codeInPath = /^[a-z0-9][a-z0-9-]{0,39}$/;

export function taxonomyRoutes(): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    await renderLists(res, { done: typeof req.query.done === 'string' ? req.query.done : undefined });
  });

  router.post('/:list', async (req, res) => {
    const list = listFrom(req.params.list);
    const form = taxonomyForms.add[list].safeParse(req.body);
    if (!form.success) return invalidForm(form.error.issues, () => renderLists(res, { invalidList: list, values: req.body, status: 422 }));
    const { _csrf: _ignored, ...entry } = form.data;
    const outcome = await addTaxonomyEntry(list, entry, res.locals.staff!.id);
    if (outcome.ok) return res.redirect(303, `/staff/admin/taxonomy?done=added#${list}`);
    await renderLists(res, { invalidList: list, values: req.body, problem: outcome.problem, status: 409 });
  });

  router.get('/:list/:code', async (req, res) => {
    const list = listFrom(req.params.list);
    const entry = await existingEntry(list, req.params.code);
    res.render('staff/admin/taxonomy-entry', { title: `taxonomy.${list}.edit`, list, entry, values: entry, groups: categoryGroups });
  });

  router.post('/:list/:code', async (req, res) => {
    const list = listFrom(req.params.list);
    const entry = await existingEntry(list, req.params.code);
    const form = taxonomyForms.edit[list].safeParse(req.body);
    const renderAgain = (status: number, problem?: TaxonomyProblem) =>
      res.status(status).render('staff/admin/taxonomy-entry', { title: `taxonomy.${list}.edit`, list, entry, values: req.body, groups: categoryGroups, invalid: true, problem });
    if (!form.success) return invalidForm(form.error.issues, async () => renderAgain(422));
    const { _csrf: _ignored, ...change } = form.data;
    const outcome = await changeTaxonomyEntry(list, entry.code, change, res.locals.staff!.id);
    if (outcome.ok) return res.redirect(303, `/staff/admin/taxonomy?done=saved#${list}`);
    renderAgain(409, outcome.problem);
  });

  return router;
}

function listFrom(value: unknown): TaxonomyListName {
  if (!isTaxonomyListName(value)) throw new HttpError(404, 'notFound');
  return value;
}

async function existingEntry(list: TaxonomyListName, code: unknown) {
  const entry = typeof code === 'string' && codeInPath.test(code) ? await taxonomyEntry(list, code) : null;
  if (!entry) throw new HttpError(404, 'notFound');
  return entry;
}

/** Unknown fields or a missing token are tampering (400); anything else is the administrator's to correct (422). */
async function invalidForm(issues: Array<{ code: string; path: PropertyKey[] }>, render: () => Promise<void>): Promise<void> {
  if (issues.some((issue) => issue.code === 'unrecognized_keys' || issue.path[0] === '_csrf')) throw new HttpError(400, 'badRequest');
  await render();
}

interface ListsView {
  done?: string;
  invalidList?: TaxonomyListName;
  values?: Record<string, unknown>;
  problem?: TaxonomyProblem;
  status?: number;
}

/** New entries go at the end unless the administrator says otherwise. */
function nextOrder(entries: ReadonlyArray<{ order: number }>): string {
  return String(Math.min(9999, Math.max(-1, ...entries.map((entry) => entry.order)) + 1));
}

async function renderLists(res: Response, view: ListsView): Promise<void> {
  forgetTaxonomyLists(); // administrators see what is stored now, not what this instance kept
  const { units, categories } = await taxonomyLists();
  res.status(view.status ?? 200).render('staff/admin/taxonomy', {
    title: 'taxonomy.title',
    units,
    categories,
    groups: categoryGroups,
    done: view.done === 'added' || view.done === 'saved' ? view.done : undefined,
    invalidList: view.invalidList,
    // The add forms: what was typed into the one refused, defaults in the other.
    formValues: {
      units: view.invalidList === 'units' ? view.values : { active: true, order: nextOrder(units) },
      categories: view.invalidList === 'categories' ? view.values : { active: true, group: 'other', order: nextOrder(categories) },
    },
    problem: view.problem,
  });
}
