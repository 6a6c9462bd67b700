// Reading one analysis output file: bounded size, JSON, kind detected from the content, then converted.
// Every failure is an input error (exit 3, docs/scorecard.md): a file that is not JSON, of no known kind or
// malformed, one that cannot be read, or one over the size limit.
import { readFile, stat } from 'node:fs/promises';
import { InputError, errorMessage } from '../core/errors.js';
import { DEFAULT_LIMITS } from '../core/limits.js';
import { visibleText } from '../report/terminal-text.js';
import { INPUT_READERS } from './inputs/index.js';
import { isRecord } from './inputs/reader.js';
import type { SourceResult } from './model.js';

/** Converts an already-parsed document; `source` names it in errors and in the scorecard. */
export function readInputDocument(doc: unknown, source: string): SourceResult {
  if (!isRecord(doc))
    throw new InputError(`${source}: not a kubeward analysis output (expected a JSON object)`);
  const reader = INPUT_READERS.items.find((r) => r.detect(doc));
  if (!reader) {
    const known = INPUT_READERS.items.map((r) => r.producedBy).join('; ');
    throw new InputError(`${source}: not a kubeward analysis output this report knows (it reads: ${known})`);
  }
  return reader.read(doc, source);
}

/** `path` is read from disk; `source` is the name the user gave it (shown in errors and in the scorecard). */
export async function readInputFile(
  path: string,
  source: string,
  maxBytes: number = DEFAULT_LIMITS.maxFileBytes,
): Promise<SourceResult> {
  let text: string;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new InputError(`${source}: not a file`);
    if (info.size > maxBytes)
      throw new InputError(`${source}: ${info.size} bytes is over the ${maxBytes}-byte limit`, {
        code: 'LIMIT',
      });
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(
      `${source}: cannot read: ${(error as NodeJS.ErrnoException).code ?? errorMessage(error)}`,
    );
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    // JSON.parse quotes the bytes it choked on: a binary file must not put escape sequences on the terminal.
    throw new InputError(`${source}: not JSON: ${visibleText(errorMessage(error))}`);
  }
  return readInputDocument(doc, source);
}
