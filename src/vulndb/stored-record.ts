/**
 * How `vulns.data` holds a record's JSON text. Records from a zip are stored as the zip held them (raw
 * DEFLATE): an import neither re-encodes nor re-compresses anything, and the file is about a third of the
 * size. Records from directories and JSON files are stored as UTF-8 text.
 */
import { InputError } from '../core/errors.js';
import { InflateOverflowError, inflateRawInto } from './zip/inflate.js';

export const CODEC_TEXT = 0;
export const CODEC_DEFLATE_RAW = 1;

/** Largest record text a stored record may inflate to (the import's per-entry limit is the same). */
const MAX_RECORD_BYTES = 64 * 1024 * 1024;

/** Output buffer reused by every read: a scan inflates thousands of small records, one at a time. */
let scratch = Buffer.allocUnsafe(256 * 1024);

export function decodeStoredRecord(codec: number, data: Buffer | string, where: string): string {
  if (codec === CODEC_TEXT) return typeof data === 'string' ? data : data.toString('utf8');
  if (codec !== CODEC_DEFLATE_RAW || typeof data === 'string')
    throw new InputError(`${where}: stored record has unknown encoding ${codec}`);
  for (;;) {
    try {
      return scratch.toString('utf8', 0, inflateRawInto(data, scratch));
    } catch (error) {
      // The size is not stored: a record that does not fit is retried with a larger buffer, up to the limit.
      if (error instanceof InflateOverflowError && scratch.length < MAX_RECORD_BYTES) {
        scratch = Buffer.allocUnsafe(Math.min(MAX_RECORD_BYTES, scratch.length * 4));
        continue;
      }
      throw new InputError(`${where}: stored record cannot be inflated; run "kubeward db update --rebuild"`, {
        cause: error,
      });
    }
  }
}
