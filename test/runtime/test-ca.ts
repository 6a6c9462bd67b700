// Test helper: the audit intake's PKI (a CA, a serving certificate for 127.0.0.1 and an API server client
// certificate), issued by the shared test CA.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLIENT_EXTENSIONS, createTestCa } from '../helpers/test-ca.js';

export interface Pki {
  caPem: string;
  server: { cert: string; key: string };
  client: { cert: string; key: string };
  /** Paths of the same files, for the CLI. */
  files: { ca: string; serverCert: string; serverKey: string };
}

export function createPki(): Pki {
  const ca = createTestCa();
  const server = ca.issue('server');
  const client = ca.issue('apiserver-client', undefined, CLIENT_EXTENSIONS);
  const read = (f: string): string => readFileSync(f, 'utf8');
  return {
    caPem: ca.caPem,
    server: { cert: read(server.certFile), key: read(server.keyFile) },
    client: { cert: read(client.certFile), key: read(client.keyFile) },
    files: { ca: join(ca.dir, 'ca.crt'), serverCert: server.certFile, serverKey: server.keyFile },
  };
}
