/**
 * "Use template" on a message to the reporter, without JavaScript: the text
 * typed so far with the chosen reply template (常用语, reply-templates/)
 * added after it. Nothing is stored; the form is shown again to be edited.
 */
import { readForm, refuseField, type FormMessages } from '../lib/forms';
import { replyTemplate } from '../reply-templates/reply-templates.service';
import { templatePickForm } from './triage.schema';

const pickMessages: FormMessages = { prefix: 'replyTemplates.errors' };

export async function withTemplate(body: unknown): Promise<string> {
  const form = readForm(templatePickForm, body, pickMessages);
  const chosen = form.templateId ? await replyTemplate(form.templateId) : null;
  if (!chosen) throw refuseField('templateId', 'replyTemplates.errors.templateId');
  const typed = (form.text ?? '').trimEnd();
  return typed ? `${typed}\n\n${chosen.text}` : chosen.text;
}
