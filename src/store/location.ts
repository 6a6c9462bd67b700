import { UsageError } from '../core/errors.js';

/**
 * Where a store lives, and how to name it in messages. A PostgreSQL URL may carry a password (in the userinfo
 * or as `?password=`); every message names the server through `display` and scrubs the secret, so logs and
 * one-line errors never leak it.
 */
export interface PostgresLocation {
  kind: 'postgres';
  url: string;
  /** `postgres://user@host:port/database`, no password, no query string. */
  display: string;
  secrets: string[];
}

export interface SqliteLocation {
  kind: 'sqlite';
  path: string;
}

export type StoreLocation = PostgresLocation | SqliteLocation;

const POSTGRES_SCHEME = /^postgres(?:ql)?:\/\//i;

export function isPostgresUrl(location: string): boolean {
  return POSTGRES_SCHEME.test(location);
}

export function parseStoreLocation(location: string): StoreLocation {
  if (!isPostgresUrl(location)) return { kind: 'sqlite', path: location };
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    // Show the URL with everything from "://user:" to the last "@" hidden (a password may contain "@").
    const shown = location.replace(/^([a-z]+:\/\/[^:/@]*:).*@/i, '$1***@').slice(0, 200);
    throw new UsageError(`store: not a valid PostgreSQL URL: ${shown}`);
  }
  const secrets = new Set<string>();
  for (const secret of [url.password, url.searchParams.get('password') ?? '']) {
    if (secret) {
      secrets.add(secret);
      secrets.add(safeDecode(secret));
    }
  }
  const user = url.username ? `${safeDecode(url.username)}@` : '';
  const display = `postgres://${user}${url.host || 'localhost'}${url.pathname.length > 1 ? url.pathname : ''}`;
  return { kind: 'postgres', url: location, display, secrets: [...secrets].filter((s) => s !== '') };
}

/** Removes every secret from a message (also from driver messages, which may echo connection strings). */
export function redact(message: string, secrets: readonly string[]): string {
  let out = message;
  for (const secret of secrets) out = out.split(secret).join('***');
  return out;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
