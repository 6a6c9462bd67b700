// Tag -> digest with one HEAD on the manifest (the OCI distribution spec returns Docker-Content-Digest), with the
// anonymous Bearer token dance that Docker Hub, GHCR and ACR ask for. Registry credentials are not handled yet.
import { createHash } from 'node:crypto';
import { Agent, request } from 'undici';
import type { DigestResolver, ImageLocation } from '../admission/images.js';
import { RemoteError, errorMessage } from '../core/errors.js';

const ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

export interface RegistryResolverOptions {
  /** Hosts spoken to over plain HTTP (test registries). */
  plainHttp?: readonly string[];
  ca?: Buffer | string;
}

/** Docker Hub is named docker.io but served from registry-1.docker.io. */
function apiHost(registry: string): string {
  return registry === 'docker.io' ? 'registry-1.docker.io' : registry;
}

export function createRegistryResolver(
  options: RegistryResolverOptions = {},
): DigestResolver & { close(): Promise<void> } {
  const plain = new Set(options.plainHttp ?? []);
  const dispatcher = new Agent({ connect: options.ca ? { ca: options.ca } : {}, keepAliveTimeout: 30_000 });
  const tokens = new Map<string, { token: string; expiresAt: number }>();

  async function fetchToken(challenge: string, scope: string, signal: AbortSignal): Promise<string> {
    const params = parseChallenge(challenge);
    const realm = params['realm'];
    if (!realm) throw new RemoteError('registry asked for a Bearer token without a realm');
    const key = `${realm}|${params['service'] ?? ''}|${scope}`;
    const cached = tokens.get(key);
    if (cached && cached.expiresAt > Date.now()) return cached.token;
    const url = new URL(realm);
    if (params['service']) url.searchParams.set('service', params['service']);
    url.searchParams.set('scope', params['scope'] ?? scope);
    const res = await request(url, { method: 'GET', dispatcher, signal });
    const body = await res.body.text();
    if (res.statusCode !== 200) throw new RemoteError(`token endpoint answered HTTP ${res.statusCode}`);
    const parsed = JSON.parse(body) as { token?: unknown; access_token?: unknown; expires_in?: unknown };
    const token =
      typeof parsed.token === 'string'
        ? parsed.token
        : typeof parsed.access_token === 'string'
          ? parsed.access_token
          : '';
    if (!token) throw new RemoteError('token endpoint answered no token');
    const ttl = typeof parsed.expires_in === 'number' ? parsed.expires_in : 60;
    tokens.set(key, { token, expiresAt: Date.now() + Math.max(0, ttl - 10) * 1000 });
    return token;
  }

  async function resolve(image: ImageLocation & { tag: string }, signal: AbortSignal): Promise<string> {
    const scheme = plain.has(image.registry) ? 'http' : 'https';
    const url = `${scheme}://${apiHost(image.registry)}/v2/${image.repository}/manifests/${encodeURIComponent(image.tag)}`;
    const scope = `repository:${image.repository}:pull`;
    const ask = async (method: 'HEAD' | 'GET', authorization?: string) =>
      request(url, {
        method,
        headers: { accept: ACCEPT, ...(authorization ? { authorization } : {}) },
        dispatcher,
        signal,
      });
    try {
      let res = await ask('HEAD');
      let authorization: string | undefined;
      if (res.statusCode === 401) {
        await res.body.dump();
        const challenge = String(res.headers['www-authenticate'] ?? '');
        if (!/^bearer\s/i.test(challenge)) throw new RemoteError(`${image.registry}: needs credentials`);
        authorization = `Bearer ${await fetchToken(challenge, scope, signal)}`;
        res = await ask('HEAD', authorization);
      }
      await res.body.dump();
      if (res.statusCode === 404)
        throw new RemoteError(`${image.registry}/${image.repository}:${image.tag}: manifest unknown`);
      if (res.statusCode !== 200)
        throw new RemoteError(`${image.registry}: HTTP ${res.statusCode} on the manifest`);
      const header = res.headers['docker-content-digest'];
      if (typeof header === 'string' && header) return header;
      // Some registries omit the header on HEAD: fetch the manifest and hash the exact bytes.
      const full = await ask('GET', authorization);
      const bytes = Buffer.from(await full.body.arrayBuffer());
      if (full.statusCode !== 200)
        throw new RemoteError(`${image.registry}: HTTP ${full.statusCode} on the manifest`);
      if (bytes.length > MAX_MANIFEST_BYTES)
        throw new RemoteError(`${image.registry}: manifest over ${MAX_MANIFEST_BYTES} bytes`);
      return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    } catch (error) {
      if (error instanceof RemoteError) throw error;
      if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new RemoteError('aborted');
      throw new RemoteError(
        `${image.registry}: ${(error as NodeJS.ErrnoException).code ?? errorMessage(error)}`,
        { cause: error },
      );
    }
  }

  return { resolve, close: () => dispatcher.close() };
}

/** `Bearer realm="https://auth",service="registry",scope="repository:x:pull"` -> its parameters. */
export function parseChallenge(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  const body = header.replace(/^bearer\s+/i, '');
  for (const m of body.matchAll(/([a-zA-Z_]+)="([^"]*)"/g)) if (m[1]) out[m[1].toLowerCase()] = m[2] ?? '';
  return out;
}
