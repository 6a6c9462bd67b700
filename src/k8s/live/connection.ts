// The one place that talks to an API server. Credentials, TLS and auth plugins (tokens, client
// certificates, exec and OIDC providers) come from @kubernetes/client-node's KubeConfig; requests are plain
// GETs so that objects keep their wire form (the typed client would turn them into camelCase models).
import * as http from 'node:http';
import * as https from 'node:https';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { ConfigError, RemoteError, errorMessage } from '../../core/errors.js';

export interface ApiResponse {
  status: number;
  body: string;
}

export interface ApiConnection {
  server: string;
  /** kubeconfig context name (or `in-cluster`). */
  context: string;
  get(path: string, query?: Record<string, string>): Promise<ApiResponse>;
}

export interface ConnectOptions {
  kubeconfig?: string;
  context?: string;
  env?: NodeJS.ProcessEnv;
  /** Per-request timeout in milliseconds. */
  timeoutMs?: number;
  /** Largest response body accepted, in bytes. */
  maxBodyBytes?: number;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_MAX_BODY = 256 * 1024 * 1024;

/** --kubeconfig, else the first existing $KUBECONFIG entry, else ~/.kube/config (kubectl's order). */
export function resolveKubeconfigPath(
  explicit: string | undefined,
  env: NodeJS.ProcessEnv,
): string | undefined {
  if (explicit) return explicit;
  const fromEnv = (env['KUBECONFIG'] ?? '').split(delimiter).filter(Boolean);
  const found = fromEnv.find((p) => existsSync(p));
  if (found) return found;
  const home = env['HOME'] ?? env['USERPROFILE'];
  const fallback = home ? join(home, '.kube', 'config') : undefined;
  return fallback && existsSync(fallback) ? fallback : undefined;
}

/**
 * The client library is loaded on first use: it costs about 1.5 s and 120 MB at start-up, which every command
 * that never talks to a live cluster (scan, image, secrets) would otherwise pay.
 */
export async function loadKubeConfig(options: ConnectOptions): Promise<KubeConfig> {
  const env = options.env ?? {};
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  const path = resolveKubeconfigPath(options.kubeconfig, env);
  try {
    if (path) kc.loadFromFile(path);
    else if (env['KUBERNETES_SERVICE_HOST']) kc.loadFromCluster();
    else throw new ConfigError('no kubeconfig: pass --kubeconfig, set KUBECONFIG, or use --snapshot FILE');
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`${path ?? 'in-cluster config'}: cannot load kubeconfig: ${errorMessage(error)}`, {
      cause: error,
    });
  }
  if (options.context) {
    if (!kc.getContextObject(options.context))
      throw new ConfigError(`context "${options.context}" is not in ${path ?? 'the kubeconfig'}`);
    kc.setCurrentContext(options.context);
  }
  return kc;
}

export async function connect(options: ConnectOptions): Promise<ApiConnection> {
  const kc = await loadKubeConfig(options);
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new ConfigError(`kubeconfig context "${kc.getCurrentContext()}" has no cluster`);
  const server = cluster.server.replace(/\/+$/, '');
  const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  return {
    server,
    context: kc.getCurrentContext() || 'in-cluster',
    async get(path, query = {}) {
      const opts: https.RequestOptions = {};
      try {
        // Refreshed per request: exec and OIDC tokens expire during long listings.
        await kc.applyToHTTPSOptions(opts);
      } catch (error) {
        throw new ConfigError(`cannot use the kubeconfig credentials: ${errorMessage(error)}`, {
          cause: error,
        });
      }
      const url = new URL(`${server}${path}`);
      for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
      return request(url, opts, timeout, maxBody);
    },
  };
}

function request(
  url: URL,
  opts: https.RequestOptions,
  timeout: number,
  maxBody: number,
): Promise<ApiResponse> {
  const lib = url.protocol === 'http:' ? http : https;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      url,
      {
        method: 'GET',
        ...(opts.agent !== undefined ? { agent: opts.agent } : {}),
        ...(opts.auth ? { auth: opts.auth } : {}),
        headers: { ...opts.headers, Accept: 'application/json' },
        timeout,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBody) {
            req.destroy(new RemoteError(`${url.pathname}: response over ${maxBody} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () =>
      req.destroy(new RemoteError(`${url.origin}${url.pathname}: timed out after ${timeout} ms`)),
    );
    req.on('error', (error) => reject(requestError(url, error)));
    req.end();
  });
}

/** A failed request as one line naming the server: RemoteErrors pass through, others give their errno code. */
export function requestError(url: URL, error: unknown): RemoteError {
  if (error instanceof RemoteError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  return new RemoteError(`${url.origin}: ${code ?? errorMessage(error)}`, { cause: error });
}
