import { spawnSync } from 'node:child_process';

export interface Measured {
  seconds: number;
  peakMiB: number;
  stdout: string;
}

/**
 * Run a command in a fresh process under GNU time, so wall time and peak RSS include start-up and
 * everything the process did, as a user would see it.
 */
export function measureCommand(
  command: string,
  args: readonly string[],
  options: { cwd?: string } = {},
): Measured {
  const started = process.hrtime.bigint();
  const result = spawnSync('/usr/bin/time', ['-f', 'KW_MAXRSS_KB=%M', command, ...args], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const rss = /KW_MAXRSS_KB=(\d+)/.exec(result.stderr ?? '');
  if (result.status !== 0 && result.status !== 1) {
    throw new Error(
      `${command} ${args.join(' ')} exited ${result.status}: ${(result.stderr ?? '').slice(0, 500)}`,
    );
  }
  return { seconds, peakMiB: rss ? Number(rss[1]) / 1024 : Number.NaN, stdout: result.stdout ?? '' };
}

/** Best of N runs: the least disturbed by the other core's noise. */
export function bestOf(runs: number, fn: () => Measured): Measured {
  let best: Measured | undefined;
  for (let i = 0; i < runs; i++) {
    const m = fn();
    if (!best || m.seconds < best.seconds) best = m;
  }
  return best!;
}
