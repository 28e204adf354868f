/**
 * The monthly report's tables about how cases came in: by channel (web form,
 * letter, telephone, visit, referrals, the inspection group), and reports
 * from the public beside the inspection group's findings, with the findings
 * still awaiting a decision (in the stage `new`). From the roll-up's
 * `channel` and `channelStage` counters; each figure links to its cases.
 */
import { caseChannels } from '../cases/case-channels';
import { countOf } from './monthly-report-data';
import type { MonthlyReportTable } from './monthly-report-table';
import { comparisonTable, type MonthlyReportContext } from './monthly-report-tables';

export function channelTable(ctx: MonthlyReportContext): MonthlyReportTable {
  const table = comparisonTable(ctx, 'received-by-channel', caseChannels.map((channel) => ({
    label: `campaign.channels.${channel}`, value: (counts) => countOf(counts, 'channel', channel), filters: { channel },
  })));
  return { ...table, heading: ctx.t('campaign.report.byChannel') };
}

export function sourcesTable(ctx: MonthlyReportContext): MonthlyReportTable {
  const table = comparisonTable(ctx, 'sources', [
    { label: 'campaign.report.publicReports', value: (counts) => countOf(counts, 'total') - countOf(counts, 'channel', 'inspection'), filters: { source: 'public' } },
    { label: 'campaign.report.findings', value: (counts) => countOf(counts, 'channel', 'inspection'), filters: { channel: 'inspection' } },
    { label: 'campaign.report.findingsAwaiting', value: (counts) => countOf(counts, 'channelStage', 'inspection|new'), filters: { channel: 'inspection', status: 'new' } },
  ]);
  return { ...table, heading: ctx.t('campaign.report.sources'), note: ctx.t('campaign.report.sourcesNote') };
}
