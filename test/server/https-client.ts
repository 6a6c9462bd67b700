// Test helper: HTTPS requests that trust only the test CA, reporting the certificate the server presented.
import { request, type Agent } from 'node:https';
import type { TLSSocket } from 'node:tls';

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** CN of the serving certificate, when the request opened the connection. */
  cn?: string;
}

export function send(
  url: string,
  options: {
    ca: string;
    method?: string;
    body?: string | Buffer;
    agent?: Agent;
    headers?: Record<string, string>;
  },
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.method ?? 'POST',
        ca: options.ca,
        agent: options.agent ?? false,
        headers: { 'content-type': 'application/json', ...(options.headers ?? {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const socket = res.socket as TLSSocket | null;
          const cert = socket?.getPeerCertificate?.();
          const cn = cert && typeof cert.subject?.CN === 'string' ? cert.subject.CN : undefined;
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            ...(cn ? { cn } : {}),
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

export function json<T = Record<string, unknown>>(reply: Reply): T {
  return JSON.parse(reply.body) as T;
}
