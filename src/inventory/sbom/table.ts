import type { SbomFormatter } from './formatter.js';

/** Human-readable list for the terminal. */
export const tableFormatter: SbomFormatter = {
  id: 'table',
  description: 'plain text table',
  extension: 'txt',
  format(inventory) {
    const head = ['ECOSYSTEM', 'NAME', 'VERSION', 'PATH'];
    const rows = inventory.packages.map((p) => [
      p.ecosystem,
      p.namespace && p.kind === 'maven' ? `${p.namespace}:${p.name}` : p.name,
      p.version,
      p.path,
    ]);
    const widths = head.map((h, i) =>
      Math.min(60, Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length))),
    );
    const line = (cells: string[]): string =>
      cells
        .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd();
    const os = inventory.os
      ? (inventory.os.prettyName ?? [inventory.os.id, inventory.os.versionId].filter(Boolean).join(' '))
      : 'unknown';
    const out = [
      `${inventory.subject.name}  (OS: ${os}, ${inventory.packages.length} packages)`,
      '',
      line(head),
      ...rows.map(line),
    ];
    if (inventory.warnings.length > 0)
      out.push('', `${inventory.warnings.length} warning(s):`, ...inventory.warnings.map((w) => `  ${w}`));
    return `${out.join('\n')}\n`;
  },
};
