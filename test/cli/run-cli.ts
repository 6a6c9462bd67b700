// Test helper: run the real CLI in-process with captured output and a fixed clock.
import { runCli } from '../../src/cli/run.js';
import type { CliContext } from '../../src/cli/context.js';
import { fixedClock } from '../../src/core/clock.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** A CliContext for tests: output discarded, no stdin, not a TTY, empty env, the fixed test clock. */
export function testContext(overrides: Partial<CliContext> = {}): CliContext {
  return {
    stdout: () => undefined,
    stderr: () => undefined,
    readStdin: async () => '',
    isTTY: false,
    cwd: process.cwd(),
    env: {},
    clock: fixedClock('2026-11-28T12:00:00Z'),
    setExitCode: () => undefined,
    ...overrides,
  };
}

export async function cli(
  args: string[],
  options: {
    stdin?: string;
    cwd?: string;
    tty?: boolean;
    env?: CliContext['env'];
    clock?: CliContext['clock'];
  } = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(
    args,
    testContext({
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
      readStdin: async () => options.stdin ?? '',
      isTTY: options.tty ?? false,
      cwd: options.cwd ?? process.cwd(),
      ...(options.env ? { env: options.env } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
    }),
  );
  return { code, stdout, stderr };
}
