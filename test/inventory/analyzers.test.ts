import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { FileAnalyzer } from '../../src/inventory/analyzer.js';
import { analyzers, analyzersFor } from '../../src/inventory/analyzers/index.js';
import { purlOf } from '../../src/inventory/purl.js';

const work = mkdtempSync(join(tmpdir(), 'kubeward-analyzers-'));
after(() => rmSync(work, { recursive: true, force: true }));

function analyzer(id: string): FileAnalyzer {
  const a = analyzers.get(id);
  assert.ok(a, `analyzer ${id}`);
  return a;
}

async function run(id: string, path: string, content: string | Buffer, mode = 0o644): Promise<string[]> {
  const a = analyzer(id);
  const file = {
    path,
    size: content.length,
    mode,
    content: Buffer.isBuffer(content) ? content : Buffer.from(content),
  };
  assert.ok(a.wants(file), `${id} should want ${path}`);
  const out = await a.analyze(file);
  return (out.packages ?? [])
    .map((p) => `${p.namespace ? `${p.namespace}:` : ''}${p.name}@${p.version}${p.dev ? ' (dev)' : ''}`)
    .sort();
}

interface Case {
  analyzer: string;
  path: string;
  content: string;
  want: string[];
}

const cases = [
  {
    analyzer: 'dpkg-status',
    path: 'var/lib/dpkg/status.d/base-files',
    content:
      'Package: base-files\nStatus: install ok installed\nVersion: 12.4+deb12u5\nArchitecture: amd64\n\nPackage: gone\nStatus: deinstall ok config-files\nVersion: 1\n',
    want: ['base-files@12.4+deb12u5'],
  },
  {
    analyzer: 'apk-installed',
    path: 'lib/apk/db/installed',
    content:
      'C:Q1abc=\nP:musl\nV:1.2.4-r2\nA:x86_64\nL:MIT\no:musl\n\nP:busybox-binsh\nV:1.36.1-r15\no:busybox\n',
    want: ['busybox-binsh@1.36.1-r15', 'musl@1.2.4-r2'],
  },
  {
    analyzer: 'npm-package-lock',
    path: 'package-lock.json',
    content: JSON.stringify({
      lockfileVersion: 3,
      packages: {
        '': { name: 'root', version: '1.0.0' },
        'node_modules/a': { version: '1.0.0' },
        'node_modules/a/node_modules/@s/b': { version: '2.0.0', dev: true },
        'node_modules/linked': { link: true, resolved: 'packages/x' },
        'packages/x': { name: 'x', version: '0.0.1' },
      },
    }),
    want: ['@s/b@2.0.0 (dev)', 'a@1.0.0'],
  },
  {
    analyzer: 'npm-package-lock',
    path: 'app/package-lock.json',
    content: JSON.stringify({
      lockfileVersion: 1,
      dependencies: {
        a: { version: '1.0.0', dependencies: { b: { version: '2.0.0', dev: true } } },
        c: { version: 'npm:real@3.0.0' },
      },
    }),
    want: ['a@1.0.0', 'b@2.0.0 (dev)', 'c@3.0.0'],
  },
  {
    analyzer: 'yarn-lock',
    path: 'yarn.lock',
    content:
      '# yarn lockfile v1\n\n"@babel/code-frame@^7.0.0", "@babel/code-frame@^7.10.4":\n  version "7.12.13"\n  resolved "https://x"\n  dependencies:\n    "@babel/highlight" "^7.12.13"\n\nlodash@^4.17.20:\n  version "4.17.21"\n',
    want: ['@babel/code-frame@7.12.13', 'lodash@4.17.21'],
  },
  {
    analyzer: 'yarn-lock',
    path: 'yarn.lock',
    content:
      '__metadata:\n  version: 6\n\n"js-tokens@npm:^4.0.0":\n  version: 4.0.0\n  resolution: "js-tokens@npm:4.0.0"\n\n"app@workspace:.":\n  version: 0.0.0-use.local\n  resolution: "app@workspace:."\n',
    want: ['js-tokens@4.0.0'],
  },
  {
    analyzer: 'pnpm-lock',
    path: 'pnpm-lock.yaml',
    content:
      "lockfileVersion: '6.0'\npackages:\n  /@babel/core@7.22.0(supports-color@8.1.1):\n    resolution: {integrity: sha512-x}\n    dev: true\n  /ms@2.1.2:\n    resolution: {integrity: sha512-y}\n    dev: false\n",
    want: ['@babel/core@7.22.0 (dev)', 'ms@2.1.2'],
  },
  {
    analyzer: 'pnpm-lock',
    path: 'pnpm-lock.yaml',
    content:
      "lockfileVersion: '9.0'\npackages:\n  '@types/node@20.1.0':\n    resolution: {integrity: sha512-x}\n  ms@2.1.3:\n    resolution: {integrity: sha512-y}\n",
    want: ['@types/node@20.1.0', 'ms@2.1.3'],
  },
  {
    analyzer: 'pnpm-lock',
    path: 'pnpm-lock.yaml',
    content:
      'lockfileVersion: 5.4\npackages:\n  /ms/2.1.2:\n    resolution: {integrity: sha512-y}\n  /@scope/pkg/1.0.0_react@18.2.0:\n    dev: true\n',
    want: ['@scope/pkg@1.0.0 (dev)', 'ms@2.1.2'],
  },
  {
    analyzer: 'python-metadata',
    path: 'usr/lib/python3/site-packages/requests-2.31.0.dist-info/METADATA',
    content: 'Metadata-Version: 2.1\nName: requests\nVersion: 2.31.0\nLicense: Apache 2.0\n\nName: not-me\n',
    want: ['requests@2.31.0'],
  },
  {
    analyzer: 'python-lock-toml',
    path: 'poetry.lock',
    content:
      '[[package]]\nname = "certifi"\nversion = "2023.7.22"\ncategory = "main"\n\n[package.dependencies]\nfoo = "1"\n\n[[package]]\nname = "pytest"\nversion = "7.4.0"\ncategory = "dev"\n\n[metadata]\nlock-version = "2.0"\n',
    want: ['certifi@2023.7.22', 'pytest@7.4.0 (dev)'],
  },
  {
    analyzer: 'python-lock-toml',
    path: 'uv.lock',
    content:
      'version = 1\n\n[[package]]\nname = "app"\nversion = "0.1.0"\nsource = { editable = "." }\n\n[[package]]\nname = "idna"\nversion = "3.7"\nsource = { registry = "https://pypi.org/simple" }\nwheels = [\n  { url = "x" },\n]\n',
    want: ['idna@3.7'],
  },
  {
    analyzer: 'pipfile-lock',
    path: 'Pipfile.lock',
    content: JSON.stringify({
      _meta: {},
      default: { six: { version: '==1.16.0' } },
      develop: { pytest: { version: '==8.0.0' } },
    }),
    want: ['pytest@8.0.0 (dev)', 'six@1.16.0'],
  },
  {
    analyzer: 'requirements-txt',
    path: 'requirements-dev.txt',
    content:
      '# deps\nFlask==2.3.2\nrequests[socks] == 2.31.0 ; python_version > "3.7"  # pinned\nclick>=8\n-r other.txt\nDjango==4.*\n',
    want: ['Flask@2.3.2', 'requests@2.31.0'],
  },
  {
    analyzer: 'go-mod',
    path: 'go.mod',
    content:
      'module example.com/app\n\ngo 1.21\n\nrequire (\n\tgithub.com/a/b v1.2.3\n\tgolang.org/x/net v0.17.0 // indirect\n\texample.com/local v0.0.0\n)\n\nrequire github.com/c/d v0.1.0\n\nreplace github.com/a/b => github.com/fork/b v1.2.4\nreplace example.com/local => ../local\n',
    want: ['github.com/c/d@v0.1.0', 'github.com/fork/b@v1.2.4', 'golang.org/x/net@v0.17.0'],
  },
  {
    analyzer: 'pom-xml',
    path: 'pom.xml',
    content:
      '<?xml version="1.0"?><project xmlns="http://maven.apache.org/POM/4.0.0"><groupId>com.example</groupId><artifactId>app</artifactId><version>1.0</version>' +
      '<properties><spring.version>5.3.0</spring.version><v2>${spring.version}</v2></properties>' +
      '<dependencyManagement><dependencies><dependency><groupId>org.x</groupId><artifactId>managed</artifactId><version>9.9</version></dependency></dependencies></dependencyManagement>' +
      '<dependencies><dependency><groupId>org.springframework</groupId><artifactId>spring-core</artifactId><version>${v2}</version></dependency>' +
      '<dependency><groupId>org.x</groupId><artifactId>managed</artifactId></dependency>' +
      '<dependency><groupId>junit</groupId><artifactId>junit</artifactId><version>4.13.2</version><scope>test</scope></dependency>' +
      '<dependency><groupId>org.unknown</groupId><artifactId>parent-managed</artifactId></dependency></dependencies></project>',
    want: ['junit:junit@4.13.2 (dev)', 'org.springframework:spring-core@5.3.0', 'org.x:managed@9.9'],
  },
  {
    analyzer: 'gradle-lockfile',
    path: 'gradle.lockfile',
    content:
      '# comment\ncom.google.guava:guava:32.1.2-jre=compileClasspath,runtimeClasspath\njunit:junit:4.13.2=testCompileClasspath\nempty=annotationProcessor\n',
    want: ['com.google.guava:guava@32.1.2-jre', 'junit:junit@4.13.2 (dev)'],
  },
  {
    analyzer: 'cargo-lock',
    path: 'Cargo.lock',
    content:
      'version = 3\n\n[[package]]\nname = "serde"\nversion = "1.0.188"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\ndependencies = [\n "serde_derive",\n]\n\n[[package]]\nname = "app"\nversion = "0.1.0"\n',
    want: ['app@0.1.0', 'serde@1.0.188'],
  },
  {
    analyzer: 'gemfile-lock',
    path: 'Gemfile.lock',
    content:
      'GEM\n  remote: https://rubygems.org/\n  specs:\n    rack (2.2.8)\n    nokogiri (1.15.4-x86_64-linux)\n      racc (~> 1.4)\n\nPLATFORMS\n  x86_64-linux\n\nBUNDLED WITH\n   2.4.10\n',
    want: ['nokogiri@1.15.4', 'rack@2.2.8'],
  },
  {
    analyzer: 'gemspec',
    path: 'usr/local/bundle/specifications/rack-2.2.8.gemspec',
    content:
      'Gem::Specification.new do |s|\n  s.name = "rack".freeze\n  s.version = "2.2.8"\n  s.licenses = ["MIT".freeze]\nend\n',
    want: ['rack@2.2.8'],
  },
  {
    analyzer: 'nuget-lock',
    path: 'packages.lock.json',
    content: JSON.stringify({
      version: 1,
      dependencies: {
        'net6.0': { 'Newtonsoft.Json': { type: 'Direct', resolved: '13.0.3' }, Lib: { type: 'Project' } },
      },
    }),
    want: ['Newtonsoft.Json@13.0.3'],
  },
  {
    analyzer: 'dotnet-deps',
    path: 'app/app.deps.json',
    content: JSON.stringify({
      libraries: { 'app/1.0.0': { type: 'project' }, 'Serilog/3.0.1': { type: 'package' } },
    }),
    want: ['Serilog@3.0.1'],
  },
  {
    analyzer: 'composer-lock',
    path: 'composer.lock',
    content: JSON.stringify({
      packages: [{ name: 'symfony/console', version: 'v6.3.4', license: ['MIT'] }],
      'packages-dev': [{ name: 'phpunit/phpunit', version: '10.3.2' }],
    }),
    want: ['phpunit/phpunit@10.3.2 (dev)', 'symfony/console@6.3.4'],
  },
  {
    analyzer: 'pubspec-lock',
    path: 'pubspec.lock',
    content:
      'packages:\n  http:\n    dependency: "direct main"\n    source: hosted\n    version: "1.1.0"\n  flutter:\n    dependency: "direct main"\n    source: sdk\n    version: "0.0.0"\n  lints:\n    dependency: "direct dev"\n    source: hosted\n    version: "2.1.1"\n',
    want: ['http@1.1.0', 'lints@2.1.1 (dev)'],
  },
  {
    analyzer: 'mix-lock',
    path: 'mix.lock',
    content:
      '%{\n  "jason": {:hex, :jason, "1.4.1", "af1504e3", [:mix], [], "hexpm", "fbb01ecd"},\n  "local": {:git, "https://x", "abc", []},\n}\n',
    want: ['jason@1.4.1'],
  },
] satisfies Case[];

describe('analyzers on small fixtures', () => {
  for (const c of cases) {
    it(`${c.analyzer}: ${c.path}`, async () => {
      assert.deepEqual(await run(c.analyzer, c.path, c.content), c.want);
    });
  }
});

describe('os-release and friends', () => {
  const os = async (path: string, content: string): Promise<unknown> =>
    (await analyzer('os-release').analyze({ path, size: 0, mode: 0o644, content: Buffer.from(content) })).os
      ?.os;
  it('reads os-release, alpine-release, debian_version and redhat-release', async () => {
    assert.deepEqual(await os('etc/os-release', 'ID="ubuntu"\nVERSION_ID="22.04"\nID_LIKE=debian\n'), {
      id: 'ubuntu',
      versionId: '22.04',
      idLike: ['debian'],
    });
    assert.deepEqual(await os('etc/alpine-release', '3.19.1\n'), {
      id: 'alpine',
      versionId: '3.19.1',
      name: 'Alpine Linux',
    });
    assert.deepEqual(await os('etc/debian_version', '12.5\n'), {
      id: 'debian',
      name: 'Debian GNU/Linux',
      versionId: '12',
    });
    assert.deepEqual(await os('etc/redhat-release', 'Rocky Linux release 9.3 (Blue Onyx)\n'), {
      id: 'rocky',
      versionId: '9.3',
      name: 'Rocky Linux',
    });
  });
});

describe('RPM databases', () => {
  it('parses header blobs from rpmdb.sqlite (name, epoch, version, release, arch, source RPM)', async () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)');
    const insert = db.prepare('INSERT INTO Packages (blob) VALUES (?)');
    insert.run(
      rpmHeader({
        1000: 'bash',
        1001: '5.1.8',
        1002: '6.el9',
        1003: 1,
        1022: 'x86_64',
        1044: 'bash-5.1.8-6.el9.src.rpm',
        1014: 'GPLv3+',
      }),
    );
    insert.run(rpmHeader({ 1000: 'gpg-pubkey', 1001: 'fd431d51', 1002: '4ae0493b' }));
    insert.run(Buffer.from('garbage'));
    const file = db.serialize();
    db.close();
    const out = await analyzer('rpm-sqlite').analyze({
      path: 'var/lib/rpm/rpmdb.sqlite',
      size: file.length,
      mode: 0o644,
      content: file,
    });
    assert.equal(out.packages?.length, 1);
    const bash = out.packages?.[0];
    assert.deepEqual(bash, {
      kind: 'rpm',
      name: 'bash',
      version: '5.1.8',
      release: '6.el9',
      epoch: 1,
      arch: 'x86_64',
      licenses: ['GPLv3+'],
      sourceName: 'bash',
      sourceVersion: '5.1.8-6.el9',
    });
    assert.equal(
      purlOf(bash as NonNullable<typeof bash>, { id: 'rhel', versionId: '9.3' }),
      'pkg:rpm/redhat/bash@5.1.8-6.el9?arch=x86_64&distro=rhel-9.3&epoch=1',
    );
  });
});

describe('Java archives', () => {
  it('reads pom.properties, MANIFEST.MF and nested jars (made by Python zipfile)', async () => {
    const jar = join(work, 'app.war');
    execFileSync('python3', [
      '-c',
      `
import io, zipfile, sys
inner = io.BytesIO()
with zipfile.ZipFile(inner, 'w', zipfile.ZIP_DEFLATED) as z:
    z.writestr('META-INF/MANIFEST.MF', 'Manifest-Version: 1.0\\r\\nImplementation-Title: inner\\r\\nImplementation-Version: 2.0\\r\\n\\r\\n')
with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:
    z.writestr('META-INF/maven/org.example/app/pom.properties', 'groupId=org.example\\nartifactId=app\\nversion=1.2.3\\n')
    z.writestr('WEB-INF/lib/commons-lang3-3.12.0.jar', inner.getvalue())
`,
      jar,
    ]);
    assert.deepEqual(await run('java-archive', 'srv/app.war', readFileSync(jar)), [
      'commons-lang3@2.0',
      'org.example:app@1.2.3',
    ]);
  });
});

describe('Go binaries', () => {
  it('reads the Go 1.18+ build info: main module, dependencies with replacements, stdlib', async () => {
    const mod = [
      'path\texample.com/cmd/app',
      'mod\texample.com\tv1.0.0\th1:x',
      'dep\tgithub.com/a/b\tv1.2.3\th1:y',
      'dep\tgithub.com/c/d\tv0.1.0',
      '=>\tgithub.com/fork/d\tv0.1.1\th1:z',
      'build\t-compiler=gc',
      '',
    ].join('\n');
    const wrapped = `${'0'.repeat(16)}${mod}${'1'.repeat(16)}`;
    const varString = (s: string): Buffer =>
      Buffer.concat([Buffer.from([Buffer.byteLength(s)]).subarray(0, 1), Buffer.from(s)]);
    const header = Buffer.alloc(32);
    Buffer.from('\xff Go buildinf:', 'latin1').copy(header);
    header[14] = 8;
    header[15] = 2;
    const body = Buffer.concat([
      Buffer.alloc(4096),
      header,
      varString('go1.21.5'),
      longVarString(wrapped),
      Buffer.alloc(70000),
    ]);
    assert.deepEqual(await run('go-binary', 'usr/local/bin/app', body, 0o755), [
      'example.com@v1.0.0',
      'github.com/a/b@v1.2.3',
      'github.com/fork/d@v0.1.1',
      'stdlib@v1.21.5',
    ]);
  });
});

describe('analyzer registry', () => {
  it('has unique ids, a version and a description for every analyzer', () => {
    for (const a of analyzers.items) {
      assert.ok(a.version >= 1 && a.description, a.id);
      assert.match(a.id, /^[a-z0-9-]+$/);
    }
  });
  it('leaves lockfile analyzers out of image scans', () => {
    const ids = analyzersFor('image').map((a) => a.id);
    assert.ok(ids.includes('dpkg-status') && ids.includes('npm-package-json'));
    assert.ok(!ids.includes('npm-package-lock') && !ids.includes('requirements-txt'));
  });
});

function longVarString(s: string): Buffer {
  const bytes = Buffer.from(s);
  const out: number[] = [];
  let n = bytes.length;
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return Buffer.concat([Buffer.from(out), bytes]);
}

/** An RPM header blob: index entries then data, with strings NUL-terminated and INT32 aligned. */
function rpmHeader(tags: Record<number, string | number>): Buffer {
  const entries: Buffer[] = [];
  const data: Buffer[] = [];
  let offset = 0;
  for (const [tag, value] of Object.entries(tags)) {
    let bytes: Buffer;
    let type: number;
    if (typeof value === 'number') {
      const pad = (4 - (offset % 4)) % 4;
      if (pad) {
        data.push(Buffer.alloc(pad));
        offset += pad;
      }
      bytes = Buffer.alloc(4);
      bytes.writeInt32BE(value);
      type = 4;
    } else {
      bytes = Buffer.from(`${value}\0`);
      type = 6;
    }
    const entry = Buffer.alloc(16);
    entry.writeInt32BE(Number(tag), 0);
    entry.writeUInt32BE(type, 4);
    entry.writeInt32BE(offset, 8);
    entry.writeUInt32BE(1, 12);
    entries.push(entry);
    data.push(bytes);
    offset += bytes.length;
  }
  const head = Buffer.alloc(8);
  head.writeUInt32BE(entries.length, 0);
  head.writeUInt32BE(offset, 4);
  return Buffer.concat([head, ...entries, ...data]);
}
