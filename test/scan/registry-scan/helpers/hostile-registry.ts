// Test helper: a small HTTP server that speaks just enough of the Distribution API to answer the way a hostile or
// broken registry would (the real docker-registry cannot be made to). Routes are given per test; every request
// path is recorded so tests can check that nothing derived from a hostile name was ever requested.
import { createHash } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { makeTar } from '../../../image/helpers/oci-builder.js';

export type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => void;

export interface HostileRegistry {
  host: string;
  requests: string[];
  /** performance.now() of each request, in order. */
  times: number[];
  close(): Promise<void>;
}

export async function startHostileRegistry(
  routes: (url: URL) => Handler | undefined,
): Promise<HostileRegistry> {
  const requests: string[] = [];
  const times: number[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '');
    times.push(performance.now());
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/v2/') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      return;
    }
    const handler = routes(url);
    if (handler) handler(req, res, url);
    else
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"errors":[{"code":"NAME_UNKNOWN"}]}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    host: `127.0.0.1:${port}`,
    requests,
    times,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const json =
  (value: unknown, headers: Record<string, string> = {}): Handler =>
  (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(value));
  };

const sha = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export interface TinyImage {
  manifest: Buffer;
  digest: string;
  blobs: Map<string, Buffer>;
}

/** A real, small OCI image: one layer with an npm package, so a scan of it finds something. */
export async function tinyImage(npm: Record<string, string>): Promise<TinyImage> {
  const tar = await makeTar(
    Object.entries(npm).map(([name, version]) => ({
      name: `app/node_modules/${name}/package.json`,
      content: JSON.stringify({ name, version }),
    })),
  );
  const layer = gzipSync(tar);
  const config = Buffer.from(
    JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha(tar)] } }),
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: sha(config),
        size: config.length,
      },
      layers: [
        { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha(layer), size: layer.length },
      ],
    }),
  );
  return {
    manifest,
    digest: sha(manifest),
    blobs: new Map([
      [sha(config), config],
      [sha(layer), layer],
    ]),
  };
}

/** Serves `image` for any tag or its digest under `/v2/<repository>/`. */
export function serveImage(image: TinyImage, repository: string): (url: URL) => Handler | undefined {
  return (url) => {
    const prefix = `/v2/${repository}/`;
    if (!url.pathname.startsWith(prefix)) return undefined;
    const rest = url.pathname.slice(prefix.length);
    if (rest.startsWith('manifests/')) {
      return (_req, res) => {
        res
          .writeHead(200, {
            'content-type': 'application/vnd.oci.image.manifest.v1+json',
            'docker-content-digest': image.digest,
          })
          .end(image.manifest);
      };
    }
    const blob = rest.startsWith('blobs/') ? image.blobs.get(rest.slice('blobs/'.length)) : undefined;
    if (blob) return (_req, res) => res.writeHead(200).end(blob);
    return undefined;
  };
}
