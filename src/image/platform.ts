import { UsageError } from '../core/errors.js';

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export const DEFAULT_PLATFORM: Platform = { os: 'linux', architecture: 'amd64' };

/** `linux/arm64/v8` -> { os, architecture, variant }. */
export function parsePlatform(text: string): Platform {
  const [os, architecture, variant, extra] = text.split('/');
  if (!os || !architecture || extra !== undefined) {
    throw new UsageError(`invalid platform "${text}" (expected os/arch[/variant], e.g. linux/amd64)`);
  }
  return { os, architecture, ...(variant ? { variant } : {}) };
}

export function formatPlatform(p: {
  os: string;
  architecture: string;
  variant?: string | undefined;
}): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

/** A wanted platform without a variant matches any variant; arm64 images usually say v8 or nothing. */
export function matchesPlatform(
  offered: { os: string; architecture: string; variant?: string | undefined },
  wanted: Platform,
): boolean {
  if (offered.os !== wanted.os || offered.architecture !== wanted.architecture) return false;
  if (!wanted.variant || !offered.variant) return true;
  return offered.variant === wanted.variant;
}
