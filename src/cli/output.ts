import { writeFile } from 'node:fs/promises';
import { InputError, errorMessage } from '../core/errors.js';
import type { CliContext } from './context.js';

/** Write to --output FILE, or stdout. */
export async function writeOutput(text: string, output: string | undefined, ctx: CliContext): Promise<void> {
  if (!output || output === '-') {
    ctx.stdout(text.endsWith('\n') ? text : `${text}\n`);
    return;
  }
  try {
    await writeFile(output, text);
  } catch (error) {
    throw new InputError(
      `${output}: cannot write: ${(error as NodeJS.ErrnoException).code ?? errorMessage(error)}`,
    );
  }
}

export function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
