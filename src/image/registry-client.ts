import { rootCertificates } from 'node:tls';
import type { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { Agent, request, type Dispatcher } from 'undici';
import { ConfigError, RemoteError, errorMessage } from '../core/errors.js';
import { DigestVerifier, type ExpectedBlob, parseDigest, verifyBuffer, digestOf } from './digest.js';
import {
  type BasicCredentials,
  type DockerConfigLocation,
  dockerConfigPath,
  loadDockerCredentials,
} from './docker-config.js';
import {
  DEFAULT_RETRY,
  type RetryPolicy,
  backoffDelay,
  isRetryableNetworkError,
  isRetryableStatus,
  parseRetryAfter,
} from './http-retry.js';
import { MANIFEST_ACCEPT } from './media-types.js';
import { type ImageReference, registryApiHost } from './reference.js';
import { parseWwwAuthenticate } from './www-authenticate.js';
import { readSmallFile, smallFileReason } from '../core/read-small-file.js';

export interface RegistryOptions {
  /** Wins over the Docker config file. */
  credentials?: BasicCredentials;
  /** Where to look for `config.json`; `false` never reads it. */
  dockerConfig?: DockerConfigLocation | false;
  /** PEM file with extra CA certificates to trust for this registry. */
  caFile?: string;
  /** Talk plain HTTP (a registry without TLS). */
  insecure?: boolean;
  retry?: Partial<RetryPolicy>;
  /** Manifests and indexes larger than this are refused (default 4 MiB, as containerd). */
  maxManifestBytes?: number;
  /** Per request: time to headers and idle time between body chunks. */
  timeoutMs?: number;
  /** Replaced in tests so retries do not really wait. */
  sleep?: (ms: number) => Promise<void>;
  userAgent?: string;
  /** Awaited before every request (retries and redirects included): a client-side rate limit. */
  throttle?: () => Promise<void>;
}

export interface FetchedManifest {
  body: Buffer;
  contentType: string | undefined;
  digest: string;
}

const DEFAULT_MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
const MAX_TOKEN_BYTES = 1024 * 1024;
const MAX_REDIRECTS = 5;

type Response = Dispatcher.ResponseData;

/** A client for one repository over the OCI Distribution API v2, with the token and basic auth flows. */
export class RegistryClient {
  private authorization: string | undefined;
  private readonly retry: RetryPolicy;
  private readonly baseUrl: string;

  private constructor(
    private readonly ref: ImageReference,
    private readonly dispatcher: Agent,
    private readonly credentials: BasicCredentials | undefined,
    private readonly credentialSource: string,
    private readonly options: RegistryOptions,
  ) {
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.baseUrl = `${options.insecure ? 'http' : 'https'}://${registryApiHost(ref.registry)}`;
  }

  static async create(ref: ImageReference, options: RegistryOptions = {}): Promise<RegistryClient> {
    let credentials = options.credentials;
    let source = credentials ? '--username/--password' : 'no credentials';
    if (!credentials && options.dockerConfig !== false) {
      credentials = await loadDockerCredentials(ref.registry, options.dockerConfig || {});
      if (credentials) source = `credentials from ${dockerConfigPath(options.dockerConfig || {})}`;
    }
    let ca: string | undefined;
    if (options.caFile) {
      try {
        ca = (await readSmallFile(options.caFile, 16 * 1024 * 1024)).toString('utf8');
      } catch (error) {
        throw new ConfigError(`cannot read CA file ${options.caFile}: ${smallFileReason(error)}`, {
          cause: error,
        });
      }
    }
    const timeout = options.timeoutMs ?? 60_000;
    const dispatcher = new Agent({
      // Extra CAs are added to Node's bundle, not instead of it, so a mirror with a public cert keeps working.
      connect: ca ? { ca: [...rootCertificates, ca] } : {},
      headersTimeout: timeout,
      bodyTimeout: timeout,
    });
    return new RegistryClient(ref, dispatcher, credentials, source, options);
  }

  get repository(): string {
    return `${this.ref.registry}/${this.ref.repository}`;
  }

  async fetchManifest(selector: string): Promise<FetchedManifest> {
    const what = `manifest ${this.repository}${selector.includes(':') ? '@' : ':'}${selector}`;
    const res = await this.send(`/v2/${this.ref.repository}/manifests/${selector}`, MANIFEST_ACCEPT, what);
    const limit = this.options.maxManifestBytes ?? DEFAULT_MAX_MANIFEST_BYTES;
    const body = await readLimited(res, limit, what);
    const contentType = header(res, 'content-type');
    let digest: string;
    if (selector.includes(':')) {
      verifyBuffer(body, { digest: selector }, what);
      digest = selector;
    } else {
      // A tag is not content-addressed: check the registry's digest header against the bytes we got.
      const claimed = header(res, 'docker-content-digest');
      digest = claimed ? claimed : digestOf(body);
      if (claimed) verifyBuffer(body, { digest: claimed }, what);
    }
    return { body, contentType, digest };
  }

  /** The whole blob in memory (configs), verified. */
  async fetchBlob(expected: ExpectedBlob & { size: number }, maxBytes: number): Promise<Buffer> {
    const what = `blob ${expected.digest} of ${this.repository}`;
    if (expected.size > maxBytes)
      throw new RemoteError(`${what}: ${expected.size} bytes is over the limit of ${maxBytes}`);
    const res = await this.send(`/v2/${this.ref.repository}/blobs/${expected.digest}`, '*/*', what);
    const body = await readLimited(res, maxBytes, what);
    verifyBuffer(body, expected, what);
    return body;
  }

  /** A stream of the blob that fails unless size and digest match at the end. */
  async openBlob(expected: ExpectedBlob): Promise<Readable> {
    parseDigest(expected.digest);
    const what = `blob ${expected.digest} of ${this.repository}`;
    const res = await this.send(`/v2/${this.ref.repository}/blobs/${expected.digest}`, '*/*', what);
    const verifier = new DigestVerifier(expected, what);
    res.body.on('error', (error: Error) => {
      verifier.destroy(
        new RemoteError(`${what}: connection lost while reading (${errorMessage(error)})`, { cause: error }),
      );
    });
    verifier.on('close', () => {
      if (!res.body.destroyed) res.body.destroy();
    });
    res.body.pipe(verifier);
    return verifier;
  }

  /**
   * GET an API path of this registry (`/v2/_catalog?n=100`), at most `maxBytes`, with the `Link` header that
   * paginated lists carry.
   */
  async fetchApi(path: string, what: string, maxBytes: number): Promise<{ body: Buffer; link?: string }> {
    const res = await this.send(path, 'application/json', what);
    const link = header(res, 'link');
    const body = await readLimited(res, maxBytes, what);
    return link ? { body, link } : { body };
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  /** GET with retries, redirects and one round of authentication; returns only 2xx answers. */
  private async send(path: string, accept: string, what: string): Promise<Response> {
    let authenticated = false;
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await this.follow(new URL(path, this.baseUrl), accept, what);
      } catch (error) {
        if (error instanceof RemoteError) throw error;
        if (isRetryableNetworkError(error) && attempt + 1 < this.retry.attempts) {
          await this.sleep(backoffDelay(attempt, this.retry));
          continue;
        }
        throw new RemoteError(`${what}: cannot reach ${this.baseUrl}: ${describeNetworkError(error)}`, {
          cause: error,
        });
      }
      if (res.statusCode >= 200 && res.statusCode < 300) return res;
      if (res.statusCode === 401 && !authenticated) {
        const challenge = header(res, 'www-authenticate');
        await res.body.dump();
        authenticated = true;
        await this.authenticate(challenge, what);
        attempt--; // the auth round-trip is not a failed try
        continue;
      }
      if (isRetryableStatus(res.statusCode) && attempt + 1 < this.retry.attempts) {
        const retryAfter = parseRetryAfter(header(res, 'retry-after'));
        await res.body.dump();
        if (retryAfter !== undefined && retryAfter > this.retry.maxRetryAfterMs) {
          throw new RemoteError(
            `${what}: ${this.baseUrl} answered ${res.statusCode} and asks to retry after ${Math.ceil(retryAfter / 1000)} s`,
          );
        }
        await this.sleep(retryAfter ?? backoffDelay(attempt, this.retry));
        continue;
      }
      throw await this.statusError(res, what, authenticated);
    }
  }

  private async follow(url: URL, accept: string, what: string): Promise<Response> {
    let current = url;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const sameOrigin = current.origin === new URL(this.baseUrl).origin;
      const headers: Record<string, string> = {
        accept,
        'user-agent': this.options.userAgent ?? 'kubeward',
      };
      // Blob redirects go to storage (S3, CDN) with signed URLs: never hand them our registry token.
      if (this.authorization && sameOrigin) headers['authorization'] = this.authorization;
      if (this.options.throttle) await this.options.throttle();
      const res = await request(current, { method: 'GET', headers, dispatcher: this.dispatcher });
      const location = header(res, 'location');
      if (res.statusCode >= 300 && res.statusCode < 400 && location) {
        await res.body.dump();
        current = new URL(location, current);
        if (current.protocol !== 'https:' && current.protocol !== 'http:') {
          throw new RemoteError(`${what}: redirect to unsupported URL scheme ${current.protocol}`);
        }
        continue;
      }
      return res;
    }
    throw new RemoteError(`${what}: more than ${MAX_REDIRECTS} redirects`);
  }

  private async authenticate(headerValue: string | undefined, what: string): Promise<void> {
    const challenges = parseWwwAuthenticate(headerValue ?? '');
    const bearer = challenges.find((c) => c.scheme === 'bearer');
    if (bearer) {
      this.authorization = `Bearer ${await this.fetchToken(bearer.params, what)}`;
      return;
    }
    if (challenges.some((c) => c.scheme === 'basic')) {
      if (!this.credentials) {
        throw new RemoteError(
          `${what}: 401 Unauthorized: ${this.repository} needs credentials (none given with --username/--password or found in ${dockerConfigPath(this.options.dockerConfig || {})})`,
        );
      }
      this.authorization = basicHeader(this.credentials);
      return;
    }
    throw new RemoteError(`${what}: 401 Unauthorized with an unsupported challenge "${headerValue ?? ''}"`);
  }

  private async fetchToken(params: Record<string, string>, what: string): Promise<string> {
    const realm = params['realm'];
    if (!realm) throw new RemoteError(`${what}: bearer challenge without a realm`);
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw new RemoteError(`${what}: bearer realm "${realm}" is not a URL`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw new RemoteError(`${what}: bearer realm must be http(s)`);
    if (params['service']) url.searchParams.set('service', params['service']);
    url.searchParams.set('scope', params['scope'] ?? `repository:${this.ref.repository}:pull`);
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': this.options.userAgent ?? 'kubeward',
    };
    // Credentials travel to the token server only over TLS, to loopback, or when the user chose plain HTTP.
    const mayShareSecret = url.protocol === 'https:' || isLoopback(url.hostname) || this.options.insecure;
    if (this.credentials && mayShareSecret) headers['authorization'] = basicHeader(this.credentials);
    let res: Response;
    try {
      res = await request(url, { method: 'GET', headers, dispatcher: this.dispatcher });
    } catch (error) {
      throw new RemoteError(
        `${what}: cannot reach token server ${url.origin}: ${describeNetworkError(error)}`,
        { cause: error },
      );
    }
    if (res.statusCode !== 200) {
      await res.body.dump();
      throw new RemoteError(
        `${what}: token server ${url.origin} answered ${res.statusCode} for ${this.repository} (tried ${this.credentialSource})`,
      );
    }
    const body = await readLimited(res, MAX_TOKEN_BYTES, `${what}: token`);
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      throw new RemoteError(`${what}: token server ${url.origin} did not answer JSON`);
    }
    const record = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
    const token = record['token'] ?? record['access_token'];
    if (typeof token !== 'string' || !token)
      throw new RemoteError(`${what}: token server ${url.origin} sent no token`);
    return token;
  }

  private async statusError(res: Response, what: string, authenticated: boolean): Promise<RemoteError> {
    const detail = await errorDetail(res);
    const tried = authenticated ? ` (tried ${this.credentialSource})` : '';
    switch (res.statusCode) {
      case 401:
        return new RemoteError(
          `${what}: 401 Unauthorized: authentication to ${this.repository} failed${tried}${detail}`,
        );
      case 403:
        return new RemoteError(
          `${what}: 403 Forbidden: no pull access to ${this.repository}${tried}${detail}`,
        );
      case 404:
        return new RemoteError(`${what}: 404 Not Found in ${this.repository}${detail}`);
      default:
        return new RemoteError(`${what}: ${this.baseUrl} answered ${res.statusCode}${detail}`);
    }
  }

  private sleep(ms: number): Promise<void> {
    return this.options.sleep ? this.options.sleep(ms) : delay(ms);
  }
}

function header(res: Response, name: string): string | undefined {
  const value = res.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readLimited(res: Response, limit: number, what: string): Promise<Buffer> {
  const declared = Number(header(res, 'content-length'));
  if (Number.isFinite(declared) && declared > limit) {
    await res.body.dump();
    throw new RemoteError(`${what}: ${declared} bytes is over the limit of ${limit}`);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of res.body) {
      const buf = chunk as Buffer;
      total += buf.length;
      if (total > limit) {
        res.body.destroy();
        throw new RemoteError(`${what}: more than the limit of ${limit} bytes`);
      }
      chunks.push(buf);
    }
  } catch (error) {
    if (error instanceof RemoteError) throw error;
    throw new RemoteError(`${what}: connection lost while reading (${errorMessage(error)})`, {
      cause: error,
    });
  }
  return Buffer.concat(chunks);
}

/** The registry's own error code and message (`{"errors":[{"code":"MANIFEST_UNKNOWN",...}]}`), kept short. */
async function errorDetail(res: Response): Promise<string> {
  try {
    const text = (await readLimited(res, 64 * 1024, 'error body')).toString('utf8');
    const json = JSON.parse(text) as { errors?: { code?: string; message?: string }[] };
    const first = json.errors?.[0];
    if (first)
      return `: ${[first.code, first.message].filter(Boolean).join(' ')}`.replace(/\s+/g, ' ').slice(0, 200);
  } catch {
    // no usable detail
  }
  return '';
}

function basicHeader(creds: BasicCredentials): string {
  return `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\./.test(host);
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: unknown }).cause;
  const code = (error as { code?: string }).code ?? (cause as { code?: string } | undefined)?.code;
  const message = cause instanceof Error ? cause.message : errorMessage(error);
  return code && !message.includes(code) ? `${code} ${message}` : message;
}
