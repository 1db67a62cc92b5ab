/** Columns padded to their widest cell, as `kubectl get` prints them (colour codes not counted). */
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

const width = (s: string): number => s.replace(ANSI, '').length;

export function table(head: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = head.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const line = (cells: readonly string[]) =>
    `  ${cells.map((c, i) => c + ' '.repeat(Math.max(0, (widths[i] ?? 0) - width(c)))).join('  ')}`.trimEnd();
  return [line(head), ...rows.map(line)];
}
