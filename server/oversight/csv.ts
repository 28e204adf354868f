/**
 * CSV for spreadsheets: UTF-8 with a byte-order mark (so Excel reads
 * Chinese), CRLF line ends, quotes where needed. A text cell that a
 * spreadsheet could take for a formula (starting with = + - @, a tab or a
 * carriage return) gets a leading single quote, so names staff typed into
 * the unit or category lists can never run as formulas. Numbers are written
 * by our own code and go out as they are.
 */

export type CsvCell = string | number | null;

const bom = '\uFEFF';
const formulaStart = /^[=+\-@\t\r]/;

export function csvCell(value: CsvCell): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const harmless = formulaStart.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(harmless) ? `"${harmless.replace(/"/g, '""')}"` : harmless;
}

export function toCsv(rows: readonly (readonly CsvCell[])[]): string {
  return bom + rows.map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
