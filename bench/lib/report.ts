/** Printing of benchmark figures: one `name value unit` line each, then a table for people. */

export function median(values: readonly number[]): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** Digits after the point. */
  digits: number;
  /** What the design asks for, e.g. `≥ 0.5 (aim 0.7)`; shown in the table beside the figure. */
  target?: string;
  /** Whether the figure meets its target. */
  met?: boolean;
}

export function printFigures(figures: readonly Figure[]): void {
  for (const figure of figures) process.stdout.write(`${figure.name} ${formatNumber(figure.value, figure.digits)} ${figure.unit}\n`);
}

export function printTable(title: string, header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  process.stdout.write(`\n${title}\n${line(header)}\n${widths.map((width) => '-'.repeat(width)).join('  ')}\n`);
  for (const row of rows) process.stdout.write(`${line(row)}\n`);
}

export function formatNumber(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

export function verdict(figure: Figure): string {
  if (figure.met === undefined) return '';
  return figure.met ? 'ok' : 'MISSED';
}
