/**
 * The monthly report's one download holding every table: a ZIP of the same
 * CSV files the report offers one by one (same names, same bytes), and the
 * tables of the sections other rooms add (monthly-report-sections.ts), so a
 * committee secretary gets the whole report's data in one file.
 */
import { strToU8, zipSync } from 'fflate';
import { toCsv, type CsvCell } from './csv';
import type { MonthlyReport } from './monthly-report.service';
import { csvRows } from './monthly-report-table';

export function csvFileName(month: string, tableId: string): string {
  return `qingfeng-${month}-${tableId}.csv`;
}

export function reportZip(report: Pick<MonthlyReport, 'month' | 'tables'>, sectionTables: ReadonlyArray<{ id: string; rows: CsvCell[][] }> = []): Uint8Array {
  const files = Object.fromEntries([
    ...report.tables.map((table) => [csvFileName(report.month, table.id), strToU8(toCsv(csvRows(table)))]),
    ...sectionTables.map((table) => [csvFileName(report.month, table.id), strToU8(toCsv(table.rows))]),
  ]);
  // A fixed time for every entry: the same report zips to the same bytes.
  return zipSync(files, { level: 6, mtime: new Date('2020-01-01T00:00:00Z') });
}
