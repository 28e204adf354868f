/** The load benchmark's final table: figure, value, baseline, ratio, target, met? */

export interface Row {
  figure: string;
  value: number;
  baseline?: number;
  /** Reported against, never enforced: the run prints, it does not fail. */
  target?: { ratioAtLeast?: number; below?: number; atMost?: number };
}

export function printTable(rows: readonly Row[], notes: readonly string[]): void {
  const header = ['figure', 'value', 'baseline', 'ratio', 'target', 'met?'];
  const lines = rows.map((row) => {
    const ratio = row.baseline ? row.value / row.baseline : undefined;
    return [row.figure, format(row.value), row.baseline === undefined ? '—' : format(row.baseline), ratio === undefined ? '—' : ratio.toFixed(2), targetText(row), met(row, ratio)];
  });
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column].length)));
  const render = (cells: string[]) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ');
  process.stdout.write(`\n${render(header)}\n${widths.map((width) => '-'.repeat(width)).join('  ')}\n`);
  for (const line of lines) process.stdout.write(`${render(line)}\n`);
  process.stdout.write(`\n${notes.map((note) => `- ${note}`).join('\n')}\n`);
}

function format(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value >= 100 ? value.toFixed(0) : value.toFixed(1);
}

function targetText(row: Row): string {
  const { target } = row;
  if (target?.ratioAtLeast !== undefined) return `≥ ${Math.round(target.ratioAtLeast * 100)}% of baseline`;
  if (target?.below !== undefined) return `< ${target.below}`;
  if (target?.atMost !== undefined) return `≤ ${target.atMost}`;
  return '—';
}

function met(row: Row, ratio: number | undefined): string {
  const { target } = row;
  if (target?.ratioAtLeast !== undefined) return ratio !== undefined && ratio >= target.ratioAtLeast ? 'yes' : 'NO';
  if (target?.below !== undefined) return row.value < target.below ? 'yes' : 'NO';
  if (target?.atMost !== undefined) return row.value <= target.atMost ? 'yes' : 'NO';
  return '—';
}
