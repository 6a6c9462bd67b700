import { Command, CommanderError } from 'commander';
import type { CliContext } from './context.js';
import { EXIT, exitCodeFor } from './exit-codes.js';
import { COMMANDS } from './commands/index.js';
import { TOOL_VERSION } from '../scan/version.js';
import { errorMessage } from '../core/errors.js';

/**
 * Build the program from the one list in commands/index.ts. Only the command being run is imported; the
 * others appear by name and summary, which is all `kubeward --help` and "did you mean" need.
 */
export async function buildProgram(ctx: CliContext, argv: readonly string[] = []): Promise<Command> {
  const program = new Command('kubeward')
    .description('Secure Kubernetes from build to workload.')
    .version(TOOL_VERSION)
    .option('--debug', 'print stack traces for errors')
    .showSuggestionAfterError()
    .configureOutput({ writeOut: ctx.stdout, writeErr: ctx.stderr })
    .exitOverride();
  const wanted = commandWord(argv);
  // `kubeward help CMD` prints the full command's help, so it needs every command loaded.
  const everything = wanted === 'help';
  for (const entry of COMMANDS) {
    if (everything || entry.name === wanted) (await entry.load()).register(program, ctx);
    else program.command(entry.name).description(entry.summary);
  }
  for (const sub of program.commands) applyOverrides(sub, ctx);
  return program;
}

/** The first word that is not an option: global options (`--debug`, `--help`, `--version`) take no value. */
function commandWord(argv: readonly string[]): string | undefined {
  return argv.find((arg) => !arg.startsWith('-'));
}

function applyOverrides(command: Command, ctx: CliContext): void {
  command.configureOutput({ writeOut: ctx.stdout, writeErr: ctx.stderr }).exitOverride();
  for (const sub of command.commands) applyOverrides(sub, ctx);
}

/** Run the CLI in-process and return the exit code. Errors become one line (stack only with --debug). */
export async function runCli(argv: readonly string[], ctx: CliContext): Promise<number> {
  let exitCode: number = EXIT.OK;
  const inner: CliContext = { ...ctx, setExitCode: (code) => (exitCode = Math.max(exitCode, code)) };
  const program = await buildProgram(inner, argv);
  const debug = argv.includes('--debug');
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are "errors" to commander but successes to the user.
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help'
      )
        return EXIT.OK;
      return EXIT.USAGE;
    }
    const code = exitCodeFor(error);
    ctx.stderr(`kubeward: error: ${visible(errorMessage(error).split('\n')[0] ?? '')}\n`);
    if (debug && error instanceof Error && error.stack) ctx.stderr(`${error.stack}\n`);
    else if (code === EXIT.INTERNAL)
      ctx.stderr('kubeward: this is a bug; run again with --debug for details\n');
    return code;
  }
}

/** Errors quote hostile input (file names, bytes of a file); control characters must not reach the terminal. */
function visible(text: string): string {
  return text.replace(
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u001f\u007f-\u009f]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}
