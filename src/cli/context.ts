import type { Clock } from '../core/clock.js';

/**
 * What a command needs from the outside world. Commands never touch process.* directly, so they can be run
 * in-process by tests with captured output.
 */
export interface CliContext {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Read all of standard input (for `-` paths). */
  readStdin: () => Promise<string>;
  isTTY: boolean;
  cwd: string;
  env: NodeJS.ProcessEnv;
  clock: Clock;
  /** Set by a command to the exit code it wants (0 when never set). */
  setExitCode: (code: number) => void;
}
