// Progress for people: a bar redrawn in place on a terminal, or a plain line at every tenth of the work
// otherwise (CI and Job logs), so a long scan shows it is alive without flooding the log.
import type { ScanProgress } from './scan-registry.js';

const WIDTH = 30;

export function createProgressRenderer(
  isTTY: boolean,
  write: (text: string) => void,
): { update(p: ScanProgress): void; finish(): void } {
  let phase = '';
  let lastTenth = -1;
  let drawn = false;
  return {
    update(p) {
      const label = p.phase === 'listing' ? 'repositories listed' : 'digests scanned';
      const failed = p.failed > 0 ? `, ${p.failed} failed` : '';
      if (isTTY) {
        const filled = Math.round((p.total > 0 ? p.done / p.total : 1) * WIDTH);
        write(
          `\r[${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${p.done}/${p.total} ${label}${failed}\u001b[K`,
        );
        drawn = true;
        return;
      }
      if (p.phase !== phase) {
        phase = p.phase;
        lastTenth = -1;
      }
      const tenth = p.total > 0 ? Math.floor((p.done * 10) / p.total) : 10;
      if (tenth <= lastTenth) return;
      lastTenth = tenth;
      write(`kubeward: ${p.done}/${p.total} ${label}${failed}\n`);
    },
    /** Ends the bar's line so later output starts on a fresh one. */
    finish() {
      if (drawn) write('\n');
      drawn = false;
    },
  };
}
