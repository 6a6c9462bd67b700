import { open } from 'node:fs/promises';
import { InputError } from '../core/errors.js';
import type { AuditEvent } from '../checks/runtime/event.js';
import { decodeLine, decodeValue } from './decode.js';
import type { DecodeSink } from './decode.js';
import { LineSplitter } from './line-splitter.js';

export interface ReadLimits {
  /** Longest accepted line (one event). Audit events with large request objects reach a few MiB. */
  maxLineBytes: number;
  /** Largest file read whole when it is one JSON document (a saved EventList) rather than JSON lines. */
  maxDocumentBytes: number;
}

export const DEFAULT_READ_LIMITS: ReadLimits = {
  maxLineBytes: 16 * 1024 * 1024,
  maxDocumentBytes: 256 * 1024 * 1024,
};

export interface SkipCounter {
  skipped: number;
  /** The first few reasons with where they were, for the user to find the bad records. */
  samples: string[];
}

const CHUNK = 1024 * 1024;
const MAX_SAMPLES = 5;

export function countSkip(counter: SkipCounter, where: string, reason: string): void {
  counter.skipped++;
  if (counter.samples.length < MAX_SAMPLES) counter.samples.push(`${where}: ${reason}`);
}

/**
 * Read one audit file (JSON lines of events or AKS records, or one pretty-printed EventList document) and hand
 * every event to `onEvent`. Bad records are counted into `counter`; only an unreadable file throws.
 */
export async function readEventFile(
  path: string,
  onEvent: (event: AuditEvent) => void,
  counter: SkipCounter,
  limits: ReadLimits = DEFAULT_READ_LIMITS,
): Promise<void> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw new InputError(`${path}: cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
      cause: error,
    });
  }
  try {
    const buffer = Buffer.allocUnsafe(CHUNK);
    const first = await handle.read(buffer, 0, CHUNK, 0);
    if (looksLikeOneDocument(buffer.subarray(0, first.bytesRead))) {
      const { size } = await handle.stat();
      if (size > limits.maxDocumentBytes) {
        countSkip(
          counter,
          path,
          `one JSON document of ${size} bytes is over the ${limits.maxDocumentBytes} limit`,
        );
        return;
      }
      const text = (await handle.readFile()).toString('utf8');
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        countSkip(counter, path, 'not valid JSON');
        return;
      }
      decodeValue(value, { event: onEvent, skip: (reason) => countSkip(counter, path, reason) });
      return;
    }
    let lineNo = 0;
    const sink: DecodeSink = {
      event: onEvent,
      skip: (reason) => countSkip(counter, `${path}:${lineNo}`, reason),
    };
    const splitter = new LineSplitter(limits.maxLineBytes);
    const onLine = (line: string): void => {
      lineNo++;
      decodeLine(line, sink);
    };
    let position = 0;
    let bytes = first.bytesRead;
    while (bytes > 0) {
      splitter.push(buffer.subarray(0, bytes), onLine);
      position += bytes;
      bytes = (await handle.read(buffer, 0, CHUNK, position)).bytesRead;
    }
    splitter.flush(onLine);
    for (let i = 0; i < splitter.oversized; i++)
      countSkip(counter, path, `a line longer than ${limits.maxLineBytes} bytes`);
  } finally {
    await handle.close();
  }
}

/**
 * A saved EventList is usually pretty-printed: its first line (`{`) is not a JSON value by itself. JSON lines
 * always have a complete value on the first non-blank line.
 */
function looksLikeOneDocument(head: Buffer): boolean {
  const text = head.toString('utf8');
  const trimmed = text.trimStart();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return false;
  const firstLine = trimmed.split('\n', 1)[0] ?? '';
  try {
    JSON.parse(firstLine);
    return false;
  } catch {
    return true;
  }
}
