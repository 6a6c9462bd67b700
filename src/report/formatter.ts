import type { Report } from '../core/report.js';

export interface FormatOptions {
  /** ANSI colours (table on a TTY). */
  color: boolean;
  /**
   * Directory that SARIF artifact URIs are made relative to (the CLI passes the working directory). Without it,
   * relative paths stay as they are and absolute ones become `file://` URIs.
   */
  baseDir?: string;
}

export const DEFAULT_FORMAT_OPTIONS: FormatOptions = { color: false };

/** One output format. Pure: a Report in, text out. Registered in report/index.ts. */
export interface Formatter {
  id: string;
  description: string;
  /** File extension for `--output` defaults, without the dot. */
  extension: string;
  format(report: Report, options: FormatOptions): string;
  /**
   * Optional streaming form for formats whose output can be larger than one string may hold (JSON of a
   * 100,000-object scan): the same text as `format`, in pieces.
   */
  chunks?(report: Report, options: FormatOptions): Iterable<string>;
}
