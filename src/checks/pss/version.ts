import { InputError } from '../../core/errors.js';

/**
 * A Pod Security policy version: `latest` or `v1.N` (the major is always 1, as upstream assumes).
 * A version newer than the newest known one evaluates like `latest`.
 */
export interface PssVersion {
  readonly latest: boolean;
  /** Minor version; meaningless when `latest`. */
  readonly minor: number;
}

export const PSS_LATEST: PssVersion = Object.freeze({ latest: true, minor: Number.MAX_SAFE_INTEGER });

// Same shape upstream accepts (api.ParseVersion): no leading zeros except a lone 0.
const VERSION_PATTERN = /^v1\.(0|[1-9][0-9]{0,8})$/;

/** Parse `latest` or `v1.N`; throws an InputError (code INPUT) with a one-line message otherwise. */
export function parsePssVersion(text: string): PssVersion {
  if (text === 'latest') return PSS_LATEST;
  const match = typeof text === 'string' ? VERSION_PATTERN.exec(text) : null;
  if (!match?.[1]) {
    const shown = typeof text === 'string' ? JSON.stringify(text.slice(0, 64)) : typeof text;
    throw new InputError(`invalid Pod Security version ${shown}: must be "latest" or "v1.N"`);
  }
  return pssVersion(Number(match[1]));
}

/** The policy version `v1.<minor>`. */
export function pssVersion(minor: number): PssVersion {
  if (!Number.isSafeInteger(minor) || minor < 0)
    throw new InputError(`invalid Pod Security minor version ${minor}`);
  return Object.freeze({ latest: false, minor });
}

export function formatPssVersion(version: PssVersion): string {
  return version.latest ? 'latest' : `v1.${version.minor}`;
}
