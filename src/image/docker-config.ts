import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../core/errors.js';
import { DOCKER_HUB } from './reference.js';

export interface BasicCredentials {
  username: string;
  password: string;
}

export interface DockerConfigLocation {
  env?: NodeJS.ProcessEnv;
  homeDir?: string;
}

/** The config file Docker itself would read: `$DOCKER_CONFIG/config.json` or `~/.docker/config.json`. */
export function dockerConfigPath(location: DockerConfigLocation = {}): string {
  const env = location.env ?? process.env;
  const dir = env['DOCKER_CONFIG'] || join(location.homeDir ?? homedir(), '.docker');
  return join(dir, 'config.json');
}

/**
 * Credentials for a registry from the `auths` section (`auth` = base64 "user:pass", or `username`/`password`).
 * Credential helpers (`credsStore`, `credHelpers`) run external programs and are deliberately not supported.
 * A missing file means anonymous; a broken one is a configuration error, not a silent fallback.
 */
export async function loadDockerCredentials(
  registry: string,
  location: DockerConfigLocation = {},
): Promise<BasicCredentials | undefined> {
  const path = dockerConfigPath(location);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError(`cannot read Docker config ${path}: ${(error as Error).message}`, { cause: error });
  }
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`Docker config ${path} is not valid JSON`, { cause: error });
  }
  const auths = isRecord(config) && isRecord(config['auths']) ? config['auths'] : {};
  const wanted = registryKeys(registry);
  for (const [key, entry] of Object.entries(auths)) {
    if (!wanted.has(normaliseAuthKey(key)) || !isRecord(entry)) continue;
    const creds = credentialsFromEntry(entry);
    if (creds) return creds;
  }
  return undefined;
}

function credentialsFromEntry(entry: Record<string, unknown>): BasicCredentials | undefined {
  if (typeof entry['auth'] === 'string' && entry['auth']) {
    const decoded = Buffer.from(entry['auth'], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (typeof entry['username'] === 'string' && typeof entry['password'] === 'string') {
    return { username: entry['username'], password: entry['password'] };
  }
  return undefined;
}

/** `https://index.docker.io/v1/` -> `index.docker.io`: keys are written in many shapes by different tools. */
function normaliseAuthKey(key: string): string {
  return key
    .replace(/^[a-z]+:\/\//i, '')
    .replace(/\/.*$/, '')
    .toLowerCase();
}

function registryKeys(registry: string): Set<string> {
  const host = registry.toLowerCase();
  if (host === DOCKER_HUB) return new Set([DOCKER_HUB, 'index.docker.io', 'registry-1.docker.io']);
  return new Set([host]);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
