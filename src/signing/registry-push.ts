/**
 * The registry writes and artifact reads signing needs on top of image/'s read-only client: blob upload (POST then
 * PUT), manifest PUT, the Referrers API, and tag lookups that may be absent. Basic and Bearer auth with push scope.
 * Every body read is bounded and every content-addressed read is checked against its digest.
 */
import { readFile } from 'node:fs/promises';
import { rootCertificates } from 'node:tls';
import { Agent, type Dispatcher, request } from 'undici';
import { ConfigError, RemoteError, errorMessage } from '../core/errors.js';
import {
  type BasicCredentials,
  type ImageReference,
  MANIFEST_ACCEPT,
  MEDIA,
  digestOf,
  loadDockerCredentials,
  registryApiHost,
} from '../image/index.js';
import { parseWwwAuthenticate } from '../image/www-authenticate.js';

export interface RegistryAccess {
  insecure?: boolean;
  caFile?: string;
  credentials?: BasicCredentials;
  /** false: never read ~/.docker/config.json. */
  dockerConfig?: false;
  timeoutMs?: number;
}

export interface FetchedArtifact {
  body: Buffer;
  mediaType: string;
  digest: string;
}

const MAX_MANIFEST = 4 * 1024 * 1024;

export class RegistryWriter {
  private authorization: string | undefined;
  private constructor(
    readonly ref: ImageReference,
    private readonly dispatcher: Agent,
    private readonly credentials: BasicCredentials | undefined,
    private readonly base: string,
  ) {}

  static async create(ref: ImageReference, access: RegistryAccess = {}): Promise<RegistryWriter> {
    let ca: string | undefined;
    if (access.caFile) {
      try {
        ca = await readFile(access.caFile, 'utf8');
      } catch (error) {
        throw new ConfigError(`cannot read CA file ${access.caFile}: ${errorMessage(error)}`, {
          cause: error,
        });
      }
    }
    const credentials =
      access.credentials ??
      (access.dockerConfig === false ? undefined : await loadDockerCredentials(ref.registry));
    const timeout = access.timeoutMs ?? 30_000;
    const agent = new Agent({
      connect: ca ? { ca: [...rootCertificates, ca] } : {},
      headersTimeout: timeout,
      bodyTimeout: timeout,
    });
    const base = `${access.insecure ? 'http' : 'https'}://${registryApiHost(ref.registry)}`;
    return new RegistryWriter(ref, agent, credentials, base);
  }

  get repository(): string {
    return `${this.ref.registry}/${this.ref.repository}`;
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  /** One request with one round of authentication; the body is read up to `limit` bytes. */
  private async send(
    method: 'GET' | 'HEAD' | 'POST' | 'PUT',
    url: string,
    options: { body?: Buffer; headers?: Record<string, string>; limit?: number } = {},
  ): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
    const target = new URL(url, this.base);
    for (let round = 0; round < 2; round++) {
      const headers: Record<string, string> = { 'user-agent': 'kubeward', ...options.headers };
      if (this.authorization && target.origin === new URL(this.base).origin)
        headers['authorization'] = this.authorization;
      let res: Dispatcher.ResponseData;
      try {
        res = await request(target, {
          method,
          headers,
          dispatcher: this.dispatcher,
          ...(options.body ? { body: options.body } : {}),
        });
      } catch (error) {
        throw new RemoteError(
          `${method} ${target.pathname} on ${this.ref.registry}: ${errorMessage(error)}`,
          {
            cause: error,
          },
        );
      }
      const flat: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers))
        if (v !== undefined) flat[k] = Array.isArray(v) ? (v[0] ?? '') : v;
      if (res.statusCode === 401 && round === 0) {
        await res.body.dump();
        await this.authenticate(flat['www-authenticate'] ?? '');
        continue;
      }
      const body = await readBounded(res, options.limit ?? MAX_MANIFEST, `${method} ${target.pathname}`);
      return { status: res.statusCode, headers: flat, body };
    }
    throw new RemoteError(`${this.repository}: authentication failed`);
  }

  private async authenticate(challenge: string): Promise<void> {
    const parsed = parseWwwAuthenticate(challenge);
    const bearer = parsed.find((c) => c.scheme === 'bearer');
    if (bearer) {
      const realm = bearer.params['realm'];
      if (!realm) throw new RemoteError(`${this.repository}: bearer challenge without a realm`);
      const url = new URL(realm);
      if (bearer.params['service']) url.searchParams.set('service', bearer.params['service']);
      url.searchParams.set('scope', `repository:${this.ref.repository}:pull,push`);
      const headers: Record<string, string> = { accept: 'application/json' };
      if (this.credentials) headers['authorization'] = basic(this.credentials);
      const res = await request(url, { headers, dispatcher: this.dispatcher });
      const body = await readBounded(res, 1024 * 1024, 'token');
      if (res.statusCode !== 200)
        throw new RemoteError(`${this.repository}: token server answered ${res.statusCode}`);
      const json = JSON.parse(body.toString('utf8')) as { token?: string; access_token?: string };
      const token = json.token ?? json.access_token;
      if (!token) throw new RemoteError(`${this.repository}: token server sent no token`);
      this.authorization = `Bearer ${token}`;
      return;
    }
    if (parsed.some((c) => c.scheme === 'basic') && this.credentials) {
      this.authorization = basic(this.credentials);
      return;
    }
    throw new RemoteError(`${this.repository}: 401 Unauthorized (no usable credentials)`);
  }

  private path(kind: 'manifests' | 'blobs' | 'referrers', selector: string): string {
    return `/v2/${this.ref.repository}/${kind}/${selector}`;
  }

  /** A manifest or index, or undefined when the registry says 404. Digest-checked. */
  async getManifest(selector: string): Promise<FetchedArtifact | undefined> {
    const res = await this.send('GET', this.path('manifests', selector), {
      headers: { accept: MANIFEST_ACCEPT },
    });
    if (res.status === 404) return undefined;
    if (res.status !== 200)
      throw statusError(res.status, `manifest ${this.repository}:${selector}`, res.body);
    const digest = selector.includes(':')
      ? selector
      : (res.headers['docker-content-digest'] ?? digestOf(res.body));
    if (digestOf(res.body, digest.split(':')[0]) !== digest)
      throw new RemoteError(
        `manifest ${this.repository}:${selector}: content does not match digest ${digest}`,
      );
    return { body: res.body, mediaType: mediaTypeOf(res), digest };
  }

  async getBlob(digest: string, limit: number): Promise<Buffer> {
    const res = await this.send('GET', this.path('blobs', digest), { limit });
    if (res.status !== 200) throw statusError(res.status, `blob ${digest} of ${this.repository}`, res.body);
    if (digestOf(res.body, digest.split(':')[0]) !== digest)
      throw new RemoteError(`blob ${digest} of ${this.repository}: content does not match its digest`);
    return res.body;
  }

  /** The Referrers API answer, or undefined when the registry does not have the API (404). */
  async getReferrers(digest: string, artifactType?: string): Promise<FetchedArtifact | undefined> {
    const query = artifactType ? `?artifactType=${encodeURIComponent(artifactType)}` : '';
    const res = await this.send('GET', `${this.path('referrers', digest)}${query}`, {
      headers: { accept: MEDIA.ociIndex },
    });
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw statusError(res.status, `referrers of ${digest}`, res.body);
    if (!mediaTypeOf(res).startsWith(MEDIA.ociIndex)) return undefined;
    return { body: res.body, mediaType: MEDIA.ociIndex, digest: digestOf(res.body) };
  }

  async pushBlob(data: Buffer): Promise<{ digest: string; size: number }> {
    const digest = digestOf(data);
    const head = await this.send('HEAD', this.path('blobs', digest));
    if (head.status === 200) return { digest, size: data.length };
    const start = await this.send('POST', `/v2/${this.ref.repository}/blobs/uploads/`);
    const location = start.headers['location'];
    if (start.status !== 202 || !location)
      throw statusError(start.status, `blob upload to ${this.repository}`, start.body);
    const url = new URL(location, this.base);
    url.searchParams.set('digest', digest);
    const put = await this.send('PUT', url.toString(), {
      body: data,
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(data.length) },
    });
    if (put.status !== 201) throw statusError(put.status, `blob upload to ${this.repository}`, put.body);
    return { digest, size: data.length };
  }

  /** PUT a manifest; returns its digest and whether the registry answered with OCI-Subject (Referrers API). */
  async pushManifest(
    selector: string,
    body: Buffer,
    mediaType: string,
  ): Promise<{ digest: string; subjectHeader: boolean }> {
    const res = await this.send('PUT', this.path('manifests', selector), {
      body,
      headers: { 'content-type': mediaType },
    });
    if (res.status !== 201)
      throw statusError(res.status, `manifest push to ${this.repository}:${selector}`, res.body);
    return { digest: digestOf(body), subjectHeader: res.headers['oci-subject'] !== undefined };
  }
}

function mediaTypeOf(res: { headers: Record<string, string>; body: Buffer }): string {
  const header = res.headers['content-type']?.split(';')[0]?.trim();
  if (header && header !== 'application/json') return header;
  try {
    const json = JSON.parse(res.body.toString('utf8')) as { mediaType?: string };
    return json.mediaType ?? header ?? '';
  } catch {
    return header ?? '';
  }
}

function statusError(status: number, what: string, body: Buffer): RemoteError {
  return new RemoteError(
    `${what}: registry answered ${status} ${body.toString('utf8').slice(0, 200).replace(/\s+/g, ' ')}`,
  );
}

function basic(creds: BasicCredentials): string {
  return `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
}

async function readBounded(res: Dispatcher.ResponseData, limit: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of res.body) {
    total += (chunk as Buffer).length;
    if (total > limit) {
      res.body.destroy();
      throw new RemoteError(`${what}: more than ${limit} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
