// Test helper: a throwaway PostgreSQL server (Debian's 15) per test file, as ../../../shared/LAB.md §5 does
// it by hand: initdb on a temp dir, pg_ctl on a free port on 127.0.0.1, socket in the temp dir. TCP logins
// need the password (scram-sha-256), so tests can also check that a wrong one is reported without leaking it.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

export const POSTGRES_BIN = process.env['KUBEWARD_PG_BIN'] ?? '/usr/lib/postgresql/15/bin';
const USER = 'postgres';
const PASSWORD = 'kw-test-Secret-7f3a';

export interface RunningPostgres {
  port: number;
  user: string;
  password: string;
  /** `postgres://postgres:PASSWORD@127.0.0.1:PORT/DATABASE`. */
  url(database?: string): string;
  /** A fresh, empty database (one per test keeps tests independent); returns its URL. */
  createDatabase(): Promise<string>;
  /** Runs SQL as the superuser on the `postgres` database (for test-side inspection). */
  query<R extends pg.QueryResultRow>(sql: string, values?: unknown[]): Promise<R[]>;
  stop(): Promise<void>;
}

/** Why PostgreSQL tests cannot run here, or undefined when they can. */
export function postgresUnavailable(): string | undefined {
  if (!existsSync(join(POSTGRES_BIN, 'initdb'))) return `no PostgreSQL binaries in ${POSTGRES_BIN}`;
  return undefined;
}

export async function startPostgres(): Promise<RunningPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'kw-pg-'));
  const asRoot = process.getuid?.() === 0;
  // initdb refuses to run as root: run the server binaries as the postgres user, who must own the directory.
  const prefix = asRoot ? ['runuser', '-u', USER, '--'] : [];
  const exec = (bin: string, args: string[]) => {
    const argv = [...prefix, join(POSTGRES_BIN, bin), ...args];
    return run(argv[0] as string, argv.slice(1), { timeout: 60_000 });
  };
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', USER], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', USER], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  const pwfile = join(dir, 'pwfile');
  writeFileSync(pwfile, `${PASSWORD}\n`, { mode: 0o644 });

  let started = false;
  const stopSync = (): void => {
    if (started) {
      const argv = [...prefix, join(POSTGRES_BIN, 'pg_ctl'), '-D', data, '-m', 'immediate', '-w', 'stop'];
      spawnSync(argv[0] as string, argv.slice(1), { stdio: 'ignore', timeout: 30_000 });
      started = false;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // A test process that ends without calling stop() (an assertion thrown in before()) still stops its server.
  process.once('exit', stopSync);

  let port = 0;
  try {
    await exec('initdb', [
      '-D',
      data,
      '-U',
      USER,
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      `--pwfile=${pwfile}`,
      '--no-sync',
    ]);
    // Another agent may take the free port between the probe and the bind: try a few.
    for (let attempt = 0; !started; attempt++) {
      port = await freePort();
      try {
        await exec('pg_ctl', [
          '-D',
          data,
          '-l',
          join(dir, 'log'),
          '-o',
          `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c full_page_writes=off`,
          '-w',
          '-t',
          '60',
          'start',
        ]);
        started = true;
      } catch (error) {
        if (attempt >= 2) throw error;
      }
    }
  } catch (error) {
    stopSync();
    process.removeListener('exit', stopSync);
    throw error;
  }

  const url = (database = 'postgres') =>
    `postgres://${USER}:${encodeURIComponent(PASSWORD)}@127.0.0.1:${port}/${database}`;
  const admin = new pg.Pool({ connectionString: url(), max: 2 });
  admin.on('error', () => undefined);
  let databases = 0;
  return {
    port,
    user: USER,
    password: PASSWORD,
    url,
    async createDatabase() {
      const name = `kw_test_${process.pid}_${++databases}`;
      await admin.query(`CREATE DATABASE ${name}`);
      return url(name);
    },
    async query<R extends pg.QueryResultRow>(sql: string, values: unknown[] = []) {
      return (await admin.query<R>(sql, values)).rows;
    },
    async stop() {
      await admin.end().catch(() => undefined);
      if (started) {
        await exec('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']).catch(() => undefined);
        started = false;
      }
      stopSync();
      process.removeListener('exit', stopSync);
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
