import { BaseError } from '../core/errors.js';

/** The documented exit codes (README "Exit codes"). Only cli/ maps outcomes to these. */
export const EXIT = {
  OK: 0,
  FAILED: 1, // findings at or above --fail-on, a gate failed, a verification failed
  USAGE: 2, // usage or configuration error
  INPUT: 3, // input or remote error: nothing could be read
  INTERNAL: 4, // a bug
} as const;

export function exitCodeFor(error: unknown): number {
  if (error instanceof BaseError) {
    switch (error.code) {
      case 'USAGE':
      case 'CONFIG':
        return EXIT.USAGE;
      case 'INPUT':
      case 'LIMIT':
      case 'REMOTE':
        return EXIT.INPUT;
      default:
        return EXIT.INTERNAL;
    }
  }
  return EXIT.INTERNAL;
}
