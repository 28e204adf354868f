/**
 * The shape every table of the monthly report takes, for the page and for
 * its CSV alike: a heading, column headings, and rows of cells, where a cell
 * that is a figure carries the link to the cases behind it.
 */
import type { CsvCell } from './csv';

export type Translate = (key: string, options?: Record<string, unknown>) => string;

export interface MonthlyReportCell {
  text: string;
  /** the number, for CSV and charts; null for a label or an unknown value */
  value: number | null;
  href?: string;
  /** a change from an earlier month (shown with its sign) */
  change?: boolean;
}

export interface MonthlyReportRow {
  label: string;
  labelHref?: string;
  cells: MonthlyReportCell[];
}

export interface MonthlyReportTable {
  id: string;
  heading: string;
  columns: string[];
  rows: MonthlyReportRow[];
  note?: string;
  csvHref: string;
}

export function casesLink(filters: Record<string, string>): string {
  return `/staff/cases?${new URLSearchParams(filters)}`;
}

export function figure(value: number | null, href?: string): MonthlyReportCell {
  return { text: value === null ? '—' : String(value), value, href: value === null ? undefined : href };
}

export function changeCell(value: number | null): MonthlyReportCell {
  return { text: value === null ? '—' : value > 0 ? `+${value}` : value < 0 ? `−${-value}` : '0', value, change: true };
}

export function csvRows(table: MonthlyReportTable): CsvCell[][] {
  return [table.columns, ...table.rows.map((row) => [row.label, ...row.cells.map((cell) => (cell.value === null ? (cell.text === '—' ? null : cell.text) : cell.value))])];
}
