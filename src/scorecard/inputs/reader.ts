// What every scorecard input reader is: a content test and a converter to scored findings.
import type { z } from 'zod';
import { InputError } from '../../core/errors.js';
import type { InputKind, SourceResult } from '../model.js';

export interface InputReader {
  kind: Exclude<InputKind, 'store'>;
  /** Which command writes this, for the "unknown input" message. */
  producedBy: string;
  /** A cheap look at the top-level keys; the schema in `read` then names any malformed field. */
  detect(doc: Record<string, unknown>): boolean;
  read(doc: Record<string, unknown>, source: string): SourceResult;
}

/** Parses with a zod schema; the first problem becomes `FILE: KIND: path.to.field: message`. */
export function parseWith<T>(schema: z.ZodType<T>, doc: unknown, source: string, kind: string): T {
  const parsed = schema.safeParse(doc);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : '(top level)';
  throw new InputError(`${source}: malformed ${kind}: ${path}: ${issue?.message ?? 'invalid'}`);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
