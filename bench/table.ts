export interface Column {
  readonly title: string;
  /** Numbers read best right-aligned. */
  readonly align?: 'left' | 'right';
}

/** A plain-text table: header, a rule, then rows; every cell already formatted. */
export function formatTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((c, i) => Math.max(c.title.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    columns
      .map((c, i) => (c.align === 'right' ? (cells[i] ?? '').padStart(widths[i]) : (cells[i] ?? '').padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.title)), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function printTable(title: string, columns: readonly Column[], rows: readonly (readonly string[])[]): void {
  console.log(`\n${title}\n${formatTable(columns, rows)}`);
}

/** Milliseconds with three significant-ish digits: 0.412, 12.3, 1234. */
export function formatMs(ms: number): string {
  if (ms < 1) return ms.toFixed(3);
  if (ms < 100) return ms.toFixed(1);
  return ms.toFixed(0);
}

export function formatRatio(ratio: number): string {
  return `${ratio >= 10 ? ratio.toFixed(0) : ratio.toFixed(1)}×`;
}

export function formatNumber(value: number, digits = 4): string {
  return value.toFixed(digits);
}

export function formatPercent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}
