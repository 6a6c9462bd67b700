// Test helper: the real test images, built once by scripts/build-test-images.sh and shared by every test file.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface TestImages {
  dir: string;
  layout: string;
  debianRoot: string;
  /** `dpkg-query -W` of the Debian root: Package<TAB>Version lines, sorted. */
  dpkgQuery: string[];
  /** name@version from npm's own package-lock.json of the app layer. */
  npmLock: string[];
  /** name==version from Python's importlib.metadata over the copied site-packages. */
  python: string[];
  removedNpm: string;
}

let cached: TestImages | undefined;

export function testImages(): TestImages {
  if (cached) return cached;
  const repo = resolve(import.meta.dirname, '../../..');
  const dir =
    execFileSync('bash', [join(repo, 'scripts/build-test-images.sh')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    })
      .trim()
      .split('\n')
      .pop() ?? '';
  const lines = (file: string): string[] => readFileSync(join(dir, file), 'utf8').split('\n').filter(Boolean);
  cached = {
    dir,
    layout: join(dir, 'oci'),
    debianRoot: join(dir, 'rootfs/debian'),
    dpkgQuery: lines('debian.dpkg-query.txt'),
    npmLock: lines('app/npm-lock.txt'),
    python: lines('app/python.txt'),
    removedNpm: lines('app/removed-npm.txt')[0] ?? '',
  };
  return cached;
}
