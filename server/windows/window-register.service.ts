/**
 * Registering a service window, listing them, finding one by its short id.
 * The list reads the whole (bounded) collection; the public page reads by _id.
 */
import { randomInt } from 'node:crypto';
import { recordAudit } from '../audit/audit.service';
import { otherUnitCode } from '../cases/taxonomy/taxonomy-seed';
import { isActiveUnit } from '../cases/taxonomy/taxonomy.service';
import { isDuplicateKeyError } from '../lib/db';
import { FormRefusal, refuseField } from '../lib/forms';
import { ServiceWindow, shortIdAlphabet, shortIdPattern } from './service-window.model';
import type { RegisterWindowForm } from './window.schema';

export interface ServiceWindowView {
  id: string;
  unitCode: string;
  hall: string;
  number: string;
}

export async function registerWindow(form: RegisterWindowForm, actor: string): Promise<ServiceWindowView> {
  if (form.unit === otherUnitCode || !(await isActiveUnit(form.unit))) throw new FormRefusal({ unit: 'windows.admin.errors.unit' });
  for (let attempt = 1; ; attempt += 1) {
    await refuseIfRegistered(form);
    const id = newShortId();
    try {
      await ServiceWindow.create({ _id: id, unitCode: form.unit, hall: form.hall, number: form.number, createdAt: new Date() });
    } catch (error) {
      // Either the id was taken (try another) or the same window was registered meanwhile (the check says so).
      if (!isDuplicateKeyError(error) || attempt >= 5) throw error;
      continue;
    }
    await recordAudit({ actor, action: 'window.registered', details: { window: id, unit: form.unit } });
    return { id, unitCode: form.unit, hall: form.hall, number: form.number };
  }
}

async function refuseIfRegistered(form: RegisterWindowForm): Promise<void> {
  const same = await ServiceWindow.findOne({ unitCode: form.unit, hall: form.hall, number: form.number }, { _id: 1 }).lean();
  if (same) throw refuseField('number', 'windows.admin.errors.taken', 409);
}

/** Every registered window, by unit, hall and number. */
export async function listWindows(): Promise<ServiceWindowView[]> {
  const stored = await ServiceWindow.find({}).lean();
  return stored.map(view).sort((a, b) => a.unitCode.localeCompare(b.unitCode) || a.hall.localeCompare(b.hall) || a.number.localeCompare(b.number, undefined, { numeric: true }));
}

export async function windowById(id: unknown): Promise<ServiceWindowView | null> {
  if (typeof id !== 'string' || !shortIdPattern.test(id)) return null;
  const stored = await ServiceWindow.findById(id).lean();
  return stored ? view(stored) : null;
}

function view(stored: { _id: string; unitCode: string; hall: string; number: string }): ServiceWindowView {
  return { id: stored._id, unitCode: stored.unitCode, hall: stored.hall, number: stored.number };
}

function newShortId(): string {
  return Array.from({ length: 6 }, () => shortIdAlphabet[randomInt(shortIdAlphabet.length)]).join('');
}
