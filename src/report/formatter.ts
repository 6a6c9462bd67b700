import type { Report } from '../core/report.js';

export interface FormatOptions {
  /** ANSI colours (table on a TTY). */
  color: boolean;
}

/** One output format. Pure: a Report in, text out. Registered in report/index.ts. */
export interface Formatter {
  id: string;
  description: string;
  /** File extension for `--output` defaults, without the dot. */
  extension: string;
  format(report: Report, options: FormatOptions): string;
}
