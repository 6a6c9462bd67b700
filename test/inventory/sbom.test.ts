import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { fixedClock } from '../../src/core/clock.js';
import { sbomFromImage } from '../../src/inventory/index.js';
import type { Inventory } from '../../src/inventory/model.js';
import { sbomFormatters } from '../../src/inventory/sbom/index.js';
import { testImages } from '../image/helpers/test-images.js';

const schemas = join(import.meta.dirname, '../fixtures/schemas');
const load = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(schemas, name), 'utf8')) as Record<string, unknown>;
const context = { generatedAt: '2025-01-02T03:04:05.678Z', toolVersion: '0.1.0' };

function validator(main: string, extra: string[] = []): ValidateFunction {
  // strict: false because the official schemas use annotation keywords ajv does not know.
  const ajv = new Ajv({ strict: false, allErrors: true });
  (addFormats as unknown as (a: Ajv) => void)(ajv);
  for (const name of extra) ajv.addSchema(load(name));
  return ajv.compile(load(main));
}

let inventory: Inventory;
before(async () => {
  const images = testImages();
  inventory = (
    await sbomFromImage(`oci:${images.layout}:app`, {
      cachePath: false,
      clock: fixedClock(context.generatedAt),
    })
  ).inventory;
});

describe('SBOM formats on the real app image', () => {
  it('CycloneDX 1.6 output is valid against the official schema', () => {
    const validate = validator('cyclonedx-bom-1.6.schema.json', [
      'cyclonedx-spdx.schema.json',
      'cyclonedx-jsf-0.82.schema.json',
    ]);
    const bom = JSON.parse(sbomFormatters.get('cyclonedx')?.format(inventory, context) ?? '{}') as {
      components: { type: string; purl?: string; evidence?: { occurrences: { location: string }[] } }[];
      metadata: { component: { type: string } };
    };
    assert.ok(validate(bom), JSON.stringify(validate.errors?.slice(0, 3)));
    assert.equal(bom.metadata.component.type, 'container');
    assert.equal(bom.components.filter((c) => c.type === 'operating-system').length, 1);
    const express = bom.components.find((c) => c.purl === 'pkg:npm/express@4.19.2');
    assert.deepEqual(express?.evidence?.occurrences, [
      { location: '/srv/app/node_modules/express/package.json' },
    ]);
  });

  it('SPDX 2.3 output is valid against the official schema', () => {
    const validate = validator('spdx-2.3.schema.json');
    const doc = JSON.parse(sbomFormatters.get('spdx')?.format(inventory, context) ?? '{}') as {
      packages: {
        SPDXID: string;
        primaryPackagePurpose?: string;
        externalRefs?: { referenceLocator: string }[];
      }[];
      relationships: { relationshipType: string }[];
    };
    assert.ok(validate(doc), JSON.stringify(validate.errors?.slice(0, 3)));
    assert.equal(new Set(doc.packages.map((p) => p.SPDXID)).size, doc.packages.length);
    for (const p of doc.packages) assert.match(p.SPDXID, /^SPDXRef-[A-Za-z0-9.-]+$/);
    assert.equal(
      doc.packages.filter((p) => p.primaryPackagePurpose === 'OPERATING_SYSTEM').length,
      1 + inventory.packages.filter((p) => p.kind === 'deb').length,
    );
    assert.equal(doc.relationships.filter((r) => r.relationshipType === 'DESCRIBES').length, 1);
  });

  it('json output keeps the contract: name, version, ecosystem, purl and path for each package', () => {
    const doc = JSON.parse(sbomFormatters.get('json')?.format(inventory, context) ?? '{}') as {
      packages: Record<string, unknown>[];
      os: { id: string };
    };
    assert.equal(doc.os.id, 'debian');
    assert.equal(doc.packages.length, inventory.packages.length);
    for (const p of doc.packages) {
      for (const key of ['name', 'version', 'ecosystem', 'purl', 'path'])
        assert.equal(typeof p[key], 'string', `${key} in ${JSON.stringify(p)}`);
    }
    assert.deepEqual([...new Set(doc.packages.map((p) => p['ecosystem']))].sort(), ['Debian', 'PyPI', 'npm']);
  });

  it('is deterministic for a fixed clock', () => {
    for (const f of sbomFormatters.items)
      assert.equal(f.format(inventory, context), f.format(inventory, context), f.id);
  });

  it('table output has one line per package', () => {
    const text = sbomFormatters.get('table')?.format(inventory, context) ?? '';
    assert.equal(
      text.split('\n').filter((l) => /^(Debian|npm|PyPI) /.test(l)).length,
      inventory.packages.length,
    );
  });
});
