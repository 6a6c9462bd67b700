// Serving certificate and key, reloaded when they change on disk (cert-manager and kubelet secret volumes swap a
// symlink, which fs.watch on the directory sees; the periodic stat catches filesystems where watches are blind).
// A pair that does not load (half written, key mismatch) is ignored and the previous one keeps serving.
import { statSync, watch, type FSWatcher } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createSecureContext } from 'node:tls';
import { ConfigError, errorMessage } from '../core/errors.js';

export interface TlsPair {
  cert: Buffer;
  key: Buffer;
}

export interface TlsFiles {
  certFile: string;
  keyFile: string;
  intervalMs: number;
}

export async function readTlsPair(files: Pick<TlsFiles, 'certFile' | 'keyFile'>): Promise<TlsPair> {
  const [cert, key] = await Promise.all([readFile(files.certFile), readFile(files.keyFile)]);
  // Throws on a broken PEM or a key that does not match the certificate.
  createSecureContext({ cert, key });
  return { cert, key };
}

export async function loadTlsPair(files: Pick<TlsFiles, 'certFile' | 'keyFile'>): Promise<TlsPair> {
  try {
    return await readTlsPair(files);
  } catch (error) {
    throw new ConfigError(`TLS ${files.certFile} / ${files.keyFile}: ${errorMessage(error)}`, {
      cause: error,
    });
  }
}

export interface TlsReloader {
  /** Check now; resolves true when a new pair was applied. */
  check(): Promise<boolean>;
  stop(): void;
}

export function watchTlsPair(
  files: TlsFiles,
  apply: (pair: TlsPair) => void,
  report: (result: 'applied' | 'failed', error?: unknown) => void,
): TlsReloader {
  let signature = '';
  let running: Promise<boolean> | undefined;
  const signatureNow = async () => {
    const [c, k] = await Promise.all([stat(files.certFile), stat(files.keyFile)]);
    return `${c.ino}:${c.size}:${c.mtimeMs}|${k.ino}:${k.size}:${k.mtimeMs}`;
  };
  const check = (): Promise<boolean> => {
    running ??= (async () => {
      try {
        const now = await signatureNow();
        if (now === signature) return false;
        const pair = await readTlsPair(files);
        apply(pair);
        signature = now;
        report('applied');
        return true;
      } catch (error) {
        report('failed', error);
        return false;
      } finally {
        running = undefined;
      }
    })();
    return running;
  };
  try {
    // Taken synchronously at start so a change right after the first load is not mistaken for the baseline.
    const c = statSync(files.certFile);
    const k = statSync(files.keyFile);
    signature = `${c.ino}:${c.size}:${c.mtimeMs}|${k.ino}:${k.size}:${k.mtimeMs}`;
  } catch {
    signature = '';
  }
  let debounce: NodeJS.Timeout | undefined;
  const onEvent = () => {
    clearTimeout(debounce);
    // Writers replace cert and key one after the other; wait for the pair to settle.
    debounce = setTimeout(() => void check(), 50);
    debounce.unref();
  };
  const watchers: FSWatcher[] = [];
  for (const dir of new Set([dirname(files.certFile), dirname(files.keyFile)])) {
    try {
      const w = watch(dir, { persistent: false }, onEvent);
      w.on('error', () => undefined);
      watchers.push(w);
    } catch {
      // The periodic stat below still reloads.
    }
  }
  const timer = setInterval(() => void check(), files.intervalMs);
  timer.unref();
  return {
    check,
    stop() {
      clearInterval(timer);
      clearTimeout(debounce);
      for (const w of watchers) w.close();
    },
  };
}
