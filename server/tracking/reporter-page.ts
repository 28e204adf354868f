/**
 * The reporter's case page, one renderer for every route that shows it
 * (tracking/ and voice/): the case as the reporter sees it, their voice, the rectification of what they reported, the
 * unit's name in the page's language. The case's key is wiped afterwards.
 */
import type { Response } from 'express';
import { activeUnits } from '../cases/taxonomy/taxonomy.service';
import { reporterVoiceView } from '../voice/reporter-voice.service';
import { reporterRectification } from '../rectification/reporter-rectification';
import type { ReporterAccess } from './reporter-access.service';
import { reporterCaseView } from './reporter-view.service';

export async function renderReporterCase(res: Response, access: ReporterAccess, extra: Record<string, unknown>): Promise<void> {
  try {
    const [view, voice, rectification, units] = await Promise.all([
      reporterCaseView(access.caseDocument, access.dataKey),
      reporterVoiceView(access.caseDocument, access.dataKey),
      reporterRectification(String(access.caseDocument._id)),
      activeUnits(res.locals.lang, { includeInactive: true }),
    ]);
    const unitName = units.find((unit) => unit.code === view.unitCode)?.name ?? view.unitCode;
    res.render('tracking/case', { title: 'tracking.case.title', ...view, unitName, voice, rectification, code: access.code, ...extra });
  } finally {
    access.dataKey.fill(0);
  }
}
