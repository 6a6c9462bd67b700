/**
 * Errors carry a literal `code` so callers branch on data, not on message text. Only cli/ maps codes to exit
 * codes (see exitCodeFor in cli/exit-codes.ts).
 */
export type ErrorCode =
  | 'USAGE' // bad flags or arguments
  | 'CONFIG' // configuration file invalid
  | 'INPUT' // an input could not be read or parsed at all
  | 'LIMIT' // an input exceeded a safety limit (size, depth, aliases)
  | 'REMOTE' // a remote service answered badly or not at all
  | 'INTERNAL'; // a bug

export class BaseError<C extends string = ErrorCode> extends Error {
  readonly code: C;
  constructor(code: C, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

export class UsageError extends BaseError<'USAGE'> {
  constructor(message: string, options?: { cause?: unknown }) {
    super('USAGE', message, options);
  }
}

export class ConfigError extends BaseError<'CONFIG'> {
  constructor(message: string, options?: { cause?: unknown }) {
    super('CONFIG', message, options);
  }
}

export class InputError extends BaseError<'INPUT' | 'LIMIT'> {
  constructor(message: string, options?: { cause?: unknown; code?: 'INPUT' | 'LIMIT' }) {
    super(options?.code ?? 'INPUT', message, options);
  }
}

export class RemoteError extends BaseError<'REMOTE'> {
  constructor(message: string, options?: { cause?: unknown }) {
    super('REMOTE', message, options);
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
