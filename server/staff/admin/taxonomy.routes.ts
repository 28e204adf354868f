/** /staff/admin/taxonomy: administrators add, rename, reorder and switch off units and categories. */
import { Router, type Response } from 'express';
import { categoryGroups } from '../../cases/taxonomy/category.model';
import { addTaxonomyEntry, changeTaxonomyEntry, isTaxonomyListName, taxonomyEntry, taxonomyForms, type TaxonomyListName } from '../../cases/taxonomy/taxonomy-admin.service';
import { forgetTaxonomyLists, taxonomyLists } from '../../cases/taxonomy/taxonomy.service';
import { readForm, whenRefused, type FormMessages, type FormRefusal } from '../../lib/forms';
import { HttpError } from '../../lib/http-error';

const codeInPath = /^[a-z0-9][a-z0-9-]{0,39}$/;
// One message says what every field needs.
const taxonomyMessages: FormMessages = { prefix: 'taxonomy', codes: new Set() };

export function taxonomyRoutes(): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    await renderLists(res, { done: typeof req.query.done === 'string' ? req.query.done : undefined });
  });

  router.post('/:list', async (req, res) => {
    const list = listFrom(req.params.list);
    await whenRefused(async () => {
      const { _csrf: _ignored, ...entry } = readForm(taxonomyForms.add[list], req.body, taxonomyMessages);
      await addTaxonomyEntry(list, entry, res.locals.staff!.id);
      res.redirect(303, `/staff/admin/taxonomy?done=added#${list}`);
    }, (refusal) => renderLists(res, { invalidList: list, values: req.body, refusal }));
  });

  router.get('/:list/:code', async (req, res) => {
    const list = listFrom(req.params.list);
    const entry = await existingEntry(list, req.params.code);
    res.render('staff/admin/taxonomy-entry', { title: `taxonomy.${list}.edit`, list, entry, values: entry, groups: categoryGroups });
  });

  router.post('/:list/:code', async (req, res) => {
    const list = listFrom(req.params.list);
    const entry = await existingEntry(list, req.params.code);
    await whenRefused(async () => {
      const { _csrf: _ignored, ...change } = readForm(taxonomyForms.edit[list], req.body, taxonomyMessages);
      await changeTaxonomyEntry(list, entry.code, change, res.locals.staff!.id);
      res.redirect(303, `/staff/admin/taxonomy?done=saved#${list}`);
    }, (refusal) => res.status(refusal.status).render('staff/admin/taxonomy-entry', {
      title: `taxonomy.${list}.edit`, list, entry, values: req.body, groups: categoryGroups, invalid: true, messages: messagesOf(refusal),
    }));
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

/** The distinct messages of a refusal, for the form's summary. */
function messagesOf(refusal: FormRefusal): string[] {
  return [...new Set(Object.values(refusal.fields))];
}

interface ListsView {
  done?: string;
  invalidList?: TaxonomyListName;
  values?: Record<string, unknown>;
  refusal?: FormRefusal;
}

/** New entries go at the end unless the administrator says otherwise. */
function nextOrder(entries: ReadonlyArray<{ order: number }>): string {
  return String(Math.min(9999, Math.max(-1, ...entries.map((entry) => entry.order)) + 1));
}

async function renderLists(res: Response, view: ListsView): Promise<void> {
  forgetTaxonomyLists(); // administrators see what is stored now, not what this instance kept
  const { units, categories } = await taxonomyLists();
  res.status(view.refusal?.status ?? 200).render('staff/admin/taxonomy', {
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
    messages: view.refusal ? messagesOf(view.refusal) : [],
  });
}
