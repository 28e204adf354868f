/**
 * 反映本机关领导班子成员的问题: under the 2020 rules a report about the
 * district commission's own leadership goes to the commission above. The
 * form asks; a "yes" gets the city commission's channels (configuration:
 * CHANNEL_CITY_*) and nothing of the submission is kept: no case, no code,
 * no claim of the form's token, no files (they are dropped with the request).
 */
import type { Response } from 'express';

export function concernsLeadership(body: unknown): boolean {
  return typeof body === 'object' && body !== null && (body as Record<string, unknown>).concernsLeadership === 'yes';
}

export function renderHigherCommission(res: Response): void {
  res.render('reports/higher-commission', { title: 'handlingRules.leadership.title' });
}
