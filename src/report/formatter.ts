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
}
