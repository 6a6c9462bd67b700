import { createRegistry } from '../../core/registry.js';
import { cyclonedxFormatter } from './cyclonedx.js';
import type { SbomFormatter } from './formatter.js';
import { jsonFormatter } from './json.js';
import { spdxFormatter } from './spdx.js';
import { tableFormatter } from './table.js';

export type { SbomContext, SbomFormatter } from './formatter.js';

/** Every SBOM format; the CLI builds its `--format` choices from this list. */
export const sbomFormatters = createRegistry<SbomFormatter>(
  'sbom formatter',
  [cyclonedxFormatter, spdxFormatter, jsonFormatter, tableFormatter],
  (f) => f.id,
);
