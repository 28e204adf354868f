/**
 * /staff/admin/reply-templates: administrators list, add, change and delete
 * the reply templates (常用语) handlers pick on a message to the reporter.
 */
import { Router, type Response } from 'express';
import { z } from 'zod';
import { readForm, whenRefused, type FormMessages, type FormRefusal } from '../lib/forms';
import { notFound } from '../lib/http-error';
import { requireRole } from '../staff/access';
import { addReplyTemplate, changeReplyTemplate, deleteReplyTemplate, replyTemplate, replyTemplates } from './reply-templates.service';

const text = (min: number, max: number) =>
  z.string().max(max * 4).transform((value) => value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').trim()).pipe(z.string().min(min).max(max));
const templateForm = z.object({ _csrf: z.string().max(300), title: text(1, 60), text: text(2, 2000) }).strict();
const deleteForm = z.object({ _csrf: z.string().max(300) }).strict();
const templateMessages: FormMessages = { prefix: 'replyTemplates.errors' };
const idInPath = /^[0-9a-f]{12}$/;

export function replyTemplateRoutes(): Router {
  const router = Router();
  router.use('/admin/reply-templates', requireRole('admin'));

  router.get('/admin/reply-templates', async (req, res) => {
    await renderList(res, { done: ['added', 'saved', 'deleted'].includes(String(req.query.done)) ? String(req.query.done) : undefined });
  });

  router.post('/admin/reply-templates', (req, res) =>
    whenRefused(async () => {
      const { title, text: body } = readForm(templateForm, req.body, templateMessages);
      await addReplyTemplate({ title, text: body }, res.locals.staff!.id);
      res.redirect(303, '/staff/admin/reply-templates?done=added');
    }, (refusal) => renderList(res.status(refusal.status), { values: req.body, ...refused(refusal) })),
  );

  router.get('/admin/reply-templates/:id', async (req, res) => {
    const entry = await existing(req.params.id);
    res.render('reply-templates/edit', { title: 'replyTemplates.editTitle', entry, values: entry });
  });

  router.post('/admin/reply-templates/:id', async (req, res) => {
    const entry = await existing(req.params.id);
    await whenRefused(async () => {
      const { title, text: body } = readForm(templateForm, req.body, templateMessages);
      await changeReplyTemplate(entry.id, { title, text: body }, res.locals.staff!.id);
      res.redirect(303, '/staff/admin/reply-templates?done=saved');
    }, (refusal) => res.status(refusal.status).render('reply-templates/edit', { title: 'replyTemplates.editTitle', entry, values: req.body, ...refused(refusal) }));
  });

  router.post('/admin/reply-templates/:id/delete', async (req, res) => {
    const entry = await existing(req.params.id);
    readForm(deleteForm, req.body, templateMessages);
    await deleteReplyTemplate(entry.id, res.locals.staff!.id);
    res.redirect(303, '/staff/admin/reply-templates?done=deleted');
  });

  return router;
}

async function existing(id: unknown) {
  const entry = typeof id === 'string' && idInPath.test(id) ? await replyTemplate(id) : null;
  if (!entry) throw notFound();
  return entry;
}

function refused(refusal: FormRefusal) {
  return { errors: refusal.fields, errorList: Object.entries(refusal.fields).map(([field, message]) => ({ field: `template-${field}`, message })) };
}

async function renderList(res: Response, view: Record<string, unknown>): Promise<void> {
  res.render('reply-templates/list', { title: 'replyTemplates.title', templates: await replyTemplates(), values: {}, ...view });
}
