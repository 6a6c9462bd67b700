// Namespace labels from the API server: GET /api/v1/namespaces/NAME with the pod's service account token. The
// token file is re-read every minute because bound service account tokens rotate (about hourly).
import { readFile } from 'node:fs/promises';
import { Agent, request } from 'undici';
import type { NamespaceLookup } from '../admission/namespaces.js';
import { ConfigError, RemoteError, errorMessage } from '../core/errors.js';
import { isObject, stringMap } from '../k8s/object.js';

export interface NamespaceApiOptions {
  /** `https://host:port`; defaults to the in-cluster service from KUBERNETES_SERVICE_HOST/PORT. */
  server?: string;
  tokenFile: string;
  caFile?: string;
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
}

const TOKEN_REFRESH_MS = 60_000;

export async function createNamespaceApiLookup(
  options: NamespaceApiOptions,
): Promise<NamespaceLookup & { close(): Promise<void> }> {
  const env = options.env ?? process.env;
  const host = env['KUBERNETES_SERVICE_HOST'];
  const server = (
    options.server ??
    (host
      ? `https://${host.includes(':') ? `[${host}]` : host}:${env['KUBERNETES_SERVICE_PORT'] ?? '443'}`
      : '')
  ).replace(/\/+$/, '');
  if (!server)
    throw new ConfigError('namespaces.api: no server given and KUBERNETES_SERVICE_HOST is not set');
  let ca: Buffer | undefined;
  if (options.caFile && server.startsWith('https:')) {
    try {
      ca = await readFile(options.caFile);
    } catch (error) {
      throw new ConfigError(
        `namespaces.api.caFile ${options.caFile}: ${(error as NodeJS.ErrnoException).code ?? errorMessage(error)}`,
      );
    }
  }
  const dispatcher = new Agent({ connect: ca ? { ca } : {}, keepAliveTimeout: 30_000 });
  let token = '';
  let tokenReadAt = -Infinity;
  const bearer = async () => {
    if (Date.now() - tokenReadAt > TOKEN_REFRESH_MS) {
      token = (await readFile(options.tokenFile, 'utf8')).trim();
      tokenReadAt = Date.now();
    }
    return token;
  };

  const lookup = async (name: string): Promise<Record<string, string> | undefined> => {
    let authorization: string;
    try {
      authorization = `Bearer ${await bearer()}`;
    } catch (error) {
      throw new RemoteError(
        `cannot read the service account token: ${(error as NodeJS.ErrnoException).code ?? errorMessage(error)}`,
      );
    }
    let res;
    try {
      res = await request(`${server}/api/v1/namespaces/${encodeURIComponent(name)}`, {
        method: 'GET',
        headers: { authorization, accept: 'application/json' },
        dispatcher,
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (error) {
      throw new RemoteError(`namespace lookup: ${errorMessage(error)}`, { cause: error });
    }
    const text = await res.body.text();
    if (res.statusCode === 404) return undefined;
    if (res.statusCode !== 200) throw new RemoteError(`namespace lookup: HTTP ${res.statusCode}`);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new RemoteError('namespace lookup: the answer is not JSON');
    }
    const metadata = isObject(value) ? value['metadata'] : undefined;
    return stringMap(isObject(metadata) ? metadata['labels'] : undefined);
  };
  return Object.assign(lookup, { close: () => dispatcher.close() });
}
