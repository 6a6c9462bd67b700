import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchAffected } from '../../src/vulndb/affected.js';
import type { OsvAffected, OsvEvent } from '../../src/vulndb/osv.js';

interface Case {
  name: string;
  ecosystem: string;
  type?: string;
  events?: OsvEvent[];
  versions?: string[];
  version: string;
  affected: boolean;
  fixedIn?: string[];
  lastAffected?: string;
  via?: 'range' | 'versions';
}

const cases = [
  {
    name: 'introduced 0, below fix',
    ecosystem: 'npm',
    events: [{ introduced: '0' }, { fixed: '4.17.21' }],
    version: '4.17.20',
    affected: true,
    fixedIn: ['4.17.21'],
  },
  {
    name: 'fixed is exclusive',
    ecosystem: 'npm',
    events: [{ introduced: '0' }, { fixed: '4.17.21' }],
    version: '4.17.21',
    affected: false,
  },
  {
    name: 'introduced is inclusive',
    ecosystem: 'npm',
    events: [{ introduced: '2.0.0' }, { fixed: '2.1.0' }],
    version: '2.0.0',
    affected: true,
    fixedIn: ['2.1.0'],
  },
  {
    name: 'below introduced',
    ecosystem: 'npm',
    events: [{ introduced: '2.0.0' }, { fixed: '2.1.0' }],
    version: '1.9.9',
    affected: false,
  },
  {
    name: 'only introduced: every later version',
    ecosystem: 'Debian:12',
    events: [{ introduced: '0' }],
    version: '1:1.2.13.dfsg-1',
    affected: true,
    fixedIn: [],
  },
  {
    name: 'last_affected is inclusive',
    ecosystem: 'PyPI',
    events: [{ introduced: '0' }, { last_affected: '1.11.0' }],
    version: '1.11.0',
    affected: true,
    lastAffected: '1.11.0',
    fixedIn: [],
  },
  {
    name: 'above last_affected',
    ecosystem: 'PyPI',
    events: [{ introduced: '0' }, { last_affected: '1.11.0' }],
    version: '1.11.1',
    affected: false,
  },
  {
    name: 'second interval of a multi-introduced range (Go stdlib)',
    ecosystem: 'Go',
    type: 'SEMVER',
    events: [{ introduced: '0' }, { fixed: '1.20.10' }, { introduced: '1.21.0-0' }, { fixed: '1.21.3' }],
    version: 'v1.21.1',
    affected: true,
    fixedIn: ['1.21.3'],
  },
  {
    name: 'between two intervals',
    ecosystem: 'Go',
    type: 'SEMVER',
    events: [{ introduced: '0' }, { fixed: '1.20.10' }, { introduced: '1.21.0-0' }, { fixed: '1.21.3' }],
    version: 'v1.20.12',
    affected: false,
  },
  {
    name: 'events out of order are sorted first',
    ecosystem: 'npm',
    events: [{ fixed: '3.0.0' }, { introduced: '2.5.0' }, { fixed: '1.5.0' }, { introduced: '0' }],
    version: '2.6.0',
    affected: true,
    fixedIn: ['3.0.0'],
  },
  {
    name: 'limit caps the range',
    ecosystem: 'npm',
    events: [{ introduced: '0' }, { limit: '2.0.0' }],
    version: '2.0.0',
    affected: false,
  },
  {
    name: 'limit * is no limit',
    ecosystem: 'npm',
    events: [{ introduced: '0' }, { limit: '*' }],
    version: '9.0.0',
    affected: true,
    fixedIn: [],
  },
  {
    name: 'dpkg ordering with epoch and tilde',
    ecosystem: 'Debian:12',
    events: [{ introduced: '0' }, { fixed: '3.0.11-1~deb12u2' }],
    version: '3.0.11-1~deb12u1',
    affected: true,
    fixedIn: ['3.0.11-1~deb12u2'],
  },
  {
    name: 'dpkg: an epoch outranks everything',
    ecosystem: 'Debian:12',
    events: [{ introduced: '0' }, { fixed: '1.2.13.dfsg-2' }],
    version: '1:1.2.13.dfsg-1',
    affected: false,
  },
  {
    name: 'apk -r revisions',
    ecosystem: 'Alpine:v3.19',
    events: [{ introduced: '0' }, { fixed: '1.36.1-r20' }],
    version: '1.36.1-r15',
    affected: true,
    fixedIn: ['1.36.1-r20'],
  },
  {
    name: 'GIT ranges are skipped',
    ecosystem: 'PyPI',
    type: 'GIT',
    events: [{ introduced: '0' }, { fixed: 'abc123' }],
    version: '1.0',
    affected: false,
  },
  {
    name: 'versions list match',
    ecosystem: 'PyPI',
    type: 'GIT',
    events: [{ introduced: '0' }],
    versions: ['1.0', '1.1'],
    version: '1.1',
    affected: true,
    via: 'versions',
    fixedIn: [],
  },
  {
    name: 'versions list matches equal versions (PEP 440 1.0 == 1.0.0)',
    ecosystem: 'PyPI',
    versions: ['1.0'],
    version: '1.0.0',
    affected: true,
    via: 'versions',
    fixedIn: [],
  },
  {
    name: 'versions list miss',
    ecosystem: 'Maven',
    versions: ['2.14.0', '2.14.1'],
    version: '2.15.0',
    affected: false,
  },
] satisfies Case[];

for (const c of cases as Case[]) {
  test(`matchAffected: ${c.name}`, () => {
    const affected: OsvAffected = {
      package: { ecosystem: c.ecosystem, name: 'p' },
      ...(c.events ? { ranges: [{ type: c.type ?? 'ECOSYSTEM', events: c.events }] } : {}),
      ...(c.versions ? { versions: c.versions } : {}),
    };
    const verdict = matchAffected(affected, c.version, c.ecosystem);
    assert.equal(verdict !== undefined, c.affected);
    if (!verdict) return;
    assert.deepEqual(verdict.fixedIn, c.fixedIn ?? []);
    assert.equal(verdict.lastAffected, c.lastAffected);
    assert.equal(verdict.via, c.via ?? 'range');
  });
}
