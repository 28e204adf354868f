/**
 * Charts drawn on the server as inline SVG: readable without JavaScript,
 * printable, and allowed by the CSP (presentation attributes such as fill=,
 * never style=). Each has a <title> and a <desc> and is followed on the page
 * by the table it is drawn from. Every text that reaches the markup goes
 * through escapeXml.
 */
import { monthLabel, shortMonthLabel } from './month-label';
import type { MonthlyReportTable } from './monthly-report-table';
import type { MonthlyReportContext } from './monthly-report-tables';

export interface Chart {
  id: string;
  title: string;
  /** the complete <svg> element */
  svg: string;
  /** the table the chart is drawn from (its id, for the in-page link) */
  tableId: string;
}

export const outcomeColours = ['#8c2d04', '#c26a00', '#4f7cac', '#d5dbd9'] as const;
const ink = '#1a1f1d';
const muted = '#4a5551';
const line = '#c4d1cc';

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);
}

/** One horizontal bar per unit, its parts the cases substantiated, partly, not substantiated and not concluded yet. */
export function unitOutcomeChart(table: MonthlyReportTable, ctx: MonthlyReportContext): Chart {
  const id = 'chart-units';
  const series = table.columns.slice(1, 5);
  const rows = table.rows.map((row) => ({ label: row.label, parts: row.cells.slice(0, 4).map((cell) => cell.value ?? 0) }));
  const width = 760;
  const labelWidth = 230;
  const barArea = width - labelWidth - 50;
  const rowHeight = 26;
  const top = 56;
  const height = top + Math.max(rows.length, 1) * rowHeight + 16;
  const max = Math.max(1, ...rows.map((row) => sum(row.parts)));
  const parts: string[] = [legend(series, outcomeColours, 0, 8, width)];
  rows.forEach((row, index) => {
    const y = top + index * rowHeight;
    parts.push(`<text x="${labelWidth - 8}" y="${y + 17}" text-anchor="end" font-size="13" fill="${ink}">${escapeXml(truncate(row.label, 18))}</text>`);
    let x = labelWidth;
    row.parts.forEach((value, part) => {
      if (value === 0) return;
      const w = (value / max) * barArea;
      // The pale "not concluded" part gets a dark outline so it stands out from the page (3:1).
      const outline = part === 3 ? `stroke="${muted}"` : 'stroke="#ffffff"';
      parts.push(`<rect x="${x.toFixed(1)}" y="${y + 4}" width="${w.toFixed(1)}" height="${rowHeight - 8}" fill="${outcomeColours[part]}" ${outline} stroke-width="1"><title>${escapeXml(`${row.label} · ${series[part]}: ${value}`)}</title></rect>`);
      x += w;
    });
    parts.push(`<text x="${(x + 6).toFixed(1)}" y="${y + 17}" font-size="13" fill="${ink}">${sum(row.parts)}</text>`);
  });
  if (rows.length === 0) parts.push(`<text x="${width / 2}" y="${top + 17}" text-anchor="middle" font-size="14" fill="${muted}">${escapeXml(ctx.t('oversight.report.noCases'))}</text>`);
  const month = monthLabel(ctx.months.month, ctx.lang);
  const title = ctx.t('oversight.report.charts.units.title', { month });
  const desc = ctx.t('oversight.report.charts.units.desc', { month, units: rows.length, table: table.heading });
  return { id, title, svg: svg(id, width, height, title, desc, parts), tableId: table.id };
}

/** Twelve months: bars for cases received, lines for those concluded and those substantiated. */
export function trendChart(table: MonthlyReportTable, ctx: MonthlyReportContext): Chart {
  const id = 'chart-trend';
  const months = ctx.months.trend;
  const received = table.rows.map((row) => row.cells[0].value ?? 0);
  const concluded = table.rows.map((row) => row.cells[2].value ?? 0);
  const substantiated = table.rows.map((row) => row.cells[3].value ?? 0);
  const width = 760;
  const height = 320;
  const plot = { left: 48, right: width - 16, top: 56, bottom: height - 44 };
  const max = niceCeiling(Math.max(1, ...received));
  const band = (plot.right - plot.left) / months.length;
  const yOf = (value: number) => plot.bottom - (value / max) * (plot.bottom - plot.top);
  const xOf = (index: number) => plot.left + band * index + band / 2;
  const parts: string[] = [legend([table.columns[1], table.columns[3], table.columns[4]], ['#9cc5b8', '#123d33', outcomeColours[0]], 0, 8, width)];
  for (const tick of [0, 0.25, 0.5, 0.75, 1].map((share) => Math.round(max * share))) {
    parts.push(`<line x1="${plot.left}" x2="${plot.right}" y1="${yOf(tick).toFixed(1)}" y2="${yOf(tick).toFixed(1)}" stroke="${line}" stroke-width="1"/>`);
    parts.push(`<text x="${plot.left - 6}" y="${(yOf(tick) + 4).toFixed(1)}" text-anchor="end" font-size="12" fill="${muted}">${tick}</text>`);
  }
  months.forEach((month, index) => {
    const x = xOf(index);
    const barWidth = band * 0.6;
    parts.push(`<rect x="${(x - barWidth / 2).toFixed(1)}" y="${yOf(received[index]).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${(plot.bottom - yOf(received[index])).toFixed(1)}" fill="#9cc5b8"><title>${escapeXml(`${table.rows[index].label} · ${table.columns[1]}: ${received[index]}`)}</title></rect>`);
    parts.push(`<text x="${x.toFixed(1)}" y="${(yOf(received[index]) - 4).toFixed(1)}" text-anchor="middle" font-size="11" fill="${ink}">${received[index]}</text>`);
    parts.push(`<text x="${x.toFixed(1)}" y="${plot.bottom + 18}" text-anchor="middle" font-size="12" fill="${ink}">${escapeXml(shortMonthLabel(month, ctx.lang))}</text>`);
  });
  parts.push(polyline(concluded.map((value, index) => [xOf(index), yOf(value)]), '#123d33', table.rows.map((row, index) => `${row.label} · ${table.columns[3]}: ${concluded[index]}`)));
  parts.push(polyline(substantiated.map((value, index) => [xOf(index), yOf(value)]), outcomeColours[0], table.rows.map((row, index) => `${row.label} · ${table.columns[4]}: ${substantiated[index]}`)));
  parts.push(`<line x1="${plot.left}" x2="${plot.right}" y1="${plot.bottom}" y2="${plot.bottom}" stroke="${ink}" stroke-width="1"/>`);
  const title = ctx.t('oversight.report.charts.trend.title');
  const desc = ctx.t('oversight.report.charts.trend.desc', { from: table.rows[0]?.label ?? '', to: table.rows[table.rows.length - 1]?.label ?? '', table: table.heading });
  return { id, title, svg: svg(id, width, height, title, desc, parts), tableId: table.id };
}

/** The public page's trend: one bar per month, the month's total of cases received. */
export function totalsChart(months: Array<{ month: string; name: string; total: number }>, title: string, desc: string, lang: MonthlyReportContext['lang']): Chart {
  const id = 'chart-totals';
  const width = 760;
  const height = 280;
  const plot = { left: 48, right: width - 16, top: 20, bottom: height - 40 };
  const max = niceCeiling(Math.max(1, ...months.map((entry) => entry.total)));
  const band = (plot.right - plot.left) / Math.max(1, months.length);
  const yOf = (value: number) => plot.bottom - (value / max) * (plot.bottom - plot.top);
  const parts: string[] = [];
  for (const tick of [0, 0.25, 0.5, 0.75, 1].map((share) => Math.round(max * share))) {
    parts.push(`<line x1="${plot.left}" x2="${plot.right}" y1="${yOf(tick).toFixed(1)}" y2="${yOf(tick).toFixed(1)}" stroke="${line}" stroke-width="1"/>`);
    parts.push(`<text x="${plot.left - 6}" y="${(yOf(tick) + 4).toFixed(1)}" text-anchor="end" font-size="12" fill="${muted}">${tick}</text>`);
  }
  months.forEach((entry, index) => {
    const x = plot.left + band * index + band / 2;
    const barWidth = band * 0.6;
    parts.push(`<rect x="${(x - barWidth / 2).toFixed(1)}" y="${yOf(entry.total).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${(plot.bottom - yOf(entry.total)).toFixed(1)}" fill="#1d5c4d"><title>${escapeXml(`${entry.name}: ${entry.total}`)}</title></rect>`);
    parts.push(`<text x="${x.toFixed(1)}" y="${(yOf(entry.total) - 4).toFixed(1)}" text-anchor="middle" font-size="11" fill="${ink}">${entry.total}</text>`);
    parts.push(`<text x="${x.toFixed(1)}" y="${plot.bottom + 18}" text-anchor="middle" font-size="12" fill="${ink}">${escapeXml(shortMonthLabel(entry.month, lang))}</text>`);
  });
  parts.push(`<line x1="${plot.left}" x2="${plot.right}" y1="${plot.bottom}" y2="${plot.bottom}" stroke="${ink}" stroke-width="1"/>`);
  return { id, title, svg: svg(id, width, height, title, desc, parts), tableId: 'figures-trend' };
}

function svg(id: string, width: number, height: number, title: string, desc: string, parts: string[]): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${id}-title ${id}-desc" font-family="system-ui, sans-serif">`
    + `<title id="${id}-title">${escapeXml(title)}</title><desc id="${id}-desc">${escapeXml(desc)}</desc>${parts.join('')}</svg>`;
}

function legend(labels: readonly string[], colours: readonly string[], x: number, y: number, width: number): string {
  const step = width / labels.length;
  return labels.map((label, index) => `<rect x="${x + index * step}" y="${y}" width="14" height="14" fill="${colours[index]}" stroke="${muted}" stroke-width="0.5"/><text x="${x + index * step + 20}" y="${y + 12}" font-size="13" fill="${ink}">${escapeXml(truncate(label, 22))}</text>`).join('');
}

function polyline(points: Array<[number, number]>, colour: string, titles: string[]): string {
  const path = points.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ');
  const dots = points.map(([x, y], index) => `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="3.5" fill="${colour}"><title>${escapeXml(titles[index])}</title></circle>`).join('');
  return `<polyline points="${path}" fill="none" stroke="${colour}" stroke-width="2.5"/>${dots}`;
}

/** A round top for the axis, four whole-numbered steps above zero. */
function niceCeiling(value: number): number {
  const quarter = value / 4;
  const magnitude = 10 ** Math.floor(Math.log10(quarter));
  const step = Math.max(1, [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].find((candidate) => candidate * magnitude >= quarter)! * magnitude);
  return Math.ceil(step) * 4;
}

function truncate(text: string, length: number): string {
  return [...text].length > length ? `${[...text].slice(0, length - 1).join('')}…` : text;
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
