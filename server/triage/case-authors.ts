/**
 * Who wrote or did each entry of a case page: a member of staff by display
 * name, else the reporter or the system (locale keys). Staff are read by _id,
 * one look-up per distinct person on the page.
 */
import { Staff } from '../staff/staff.model';

export type Author = { name: string; key?: undefined } | { key: string; name?: undefined };

export async function authorsOf(actorIds: ReadonlyArray<string | null | undefined>): Promise<(actorId: string | null | undefined, from?: string) => Author> {
  const staffIds = [...new Set(actorIds.filter((id): id is string => typeof id === 'string' && /^[0-9a-f]{24}$/.test(id)))];
  const found = await Promise.all(staffIds.map((id) => Staff.findById(id, { name: 1 }).lean()));
  const names = new Map(found.flatMap((staff) => (staff ? [[staff._id.toString(), staff.name] as const] : [])));
  return (actorId, from) => {
    if (from === 'reporter' || actorId === 'reporter') return { key: 'caseFile.by.reporter' };
    if (actorId === 'system') return { key: 'caseFile.by.system' };
    const name = actorId ? names.get(actorId) : undefined;
    return name ? { name } : { key: 'caseFile.by.staff' };
  };
}
