import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { InputError } from '../core/errors.js';

export interface Lock {
  release(): void;
}

/**
 * An exclusive lock file holding the owner's pid. Two updates of one database would each rename their copy
 * over the other's; the second one waits for nobody and says so. A lock left by a dead process is taken over.
 */
export function acquireLock(path: string): Lock {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      return {
        release: () => {
          if (released) return;
          released = true;
          rmSync(path, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number.parseInt(readText(path), 10);
      if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
        throw new InputError(`${path}: another database update (pid ${pid}) is running`);
      }
      rmSync(path, { force: true });
    }
  }
  throw new InputError(`${path}: cannot take the update lock`);
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
