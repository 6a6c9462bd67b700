// Test helper: start the docker-registry of test/image/helpers/registry.ts again, on the same port and storage,
// so a target (`127.0.0.1:PORT`) keeps its name after the registry was stopped mid-scan.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

export async function restartRegistry(dir: string, port: number): Promise<{ stop(): Promise<void> }> {
  const child = spawn('docker-registry', ['serve', join(dir, 'config.yml')], {
    stdio: 'ignore',
    env: { ...process.env, REGISTRY_HTTP_ADDR: `127.0.0.1:${port}` },
  });
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/v2/`);
      await res.arrayBuffer();
      if (res.status === 200 || res.status === 401) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error('registry did not restart');
    await delay(50);
  }
  return {
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await new Promise<void>((resolve) => child.once('exit', () => resolve()));
    },
  };
}
