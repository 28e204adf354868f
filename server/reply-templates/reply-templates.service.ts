/**
 * Administrators keep the reply templates (常用语); handlers pick one on a
 * message to the reporter. The list is one document (`templates`); every
 * change is written over the version it was read at (a change made meanwhile
 * by someone else comes back as a 409 refusal of the form) and audited with the template's id only.
 */
import { randomBytes } from 'node:crypto';
import { recordAudit } from '../audit/audit.service';
import { refuseField } from '../lib/forms';
import { HttpError } from '../lib/http-error';
import { maxTemplates, ReplyTemplateList } from './reply-templates.model';

const listId = 'templates';

export interface ReplyTemplate {
  id: string;
  title: string;
  text: string;
}

export async function replyTemplates(): Promise<ReplyTemplate[]> {
  const stored = await ReplyTemplateList.findById(listId).lean();
  return (stored?.entries ?? []).map(({ id, title, text }) => ({ id, title, text }));
}

export async function replyTemplate(id: string): Promise<ReplyTemplate | null> {
  return (await replyTemplates()).find((entry) => entry.id === id) ?? null;
}

export async function addReplyTemplate(input: Omit<ReplyTemplate, 'id'>, actorId: string): Promise<void> {
  const id = randomBytes(6).toString('hex');
  await change((entries) => {
    if (entries.length >= maxTemplates) throw refuseField('title', 'replyTemplates.errors.tooMany');
    return [...entries, { id, ...input }];
  });
  await recordAudit({ actor: actorId, action: 'replyTemplate.added', details: { templateId: id } });
}

export async function changeReplyTemplate(id: string, input: Omit<ReplyTemplate, 'id'>, actorId: string): Promise<void> {
  await change((entries) => entries.map((entry) => (entry.id === id ? { id, ...input } : entry)), id);
  await recordAudit({ actor: actorId, action: 'replyTemplate.changed', details: { templateId: id } });
}

export async function deleteReplyTemplate(id: string, actorId: string): Promise<void> {
  await change((entries) => entries.filter((entry) => entry.id !== id), id);
  await recordAudit({ actor: actorId, action: 'replyTemplate.deleted', details: { templateId: id } });
}

/** Read, change, write back only if nobody wrote in between (no transactions on FerretDB). */
async function change(edit: (entries: ReplyTemplate[]) => ReplyTemplate[], mustHold?: string): Promise<void> {
  const stored = await ReplyTemplateList.findById(listId).lean();
  const entries = (stored?.entries ?? []).map(({ id, title, text }) => ({ id, title, text }));
  if (mustHold && !entries.some((entry) => entry.id === mustHold)) throw new HttpError(404, 'notFound');
  const next = edit(entries);
  if (!stored) {
    await ReplyTemplateList.create({ _id: listId, version: 1, entries: next }).catch(() => {
      throw changedMeanwhile();
    });
    return;
  }
  const written = await ReplyTemplateList.updateOne({ _id: listId, version: stored.version }, { $set: { entries: next, version: stored.version + 1 } });
  if (written.modifiedCount !== 1) throw changedMeanwhile();
}

// The form comes back with what was typed, asking to look at the list again.
const changedMeanwhile = () => refuseField('title', 'replyTemplates.errors.changedMeanwhile', 409);
