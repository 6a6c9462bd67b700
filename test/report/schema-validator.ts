// Test helper: compile a JSON Schema (draft 2020-12, as both schemas here declare) with formats checked.
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

export function loadSchemaValidator(schemaUrl: URL): ValidateFunction {
  const schema: unknown = JSON.parse(readFileSync(schemaUrl, 'utf8'));
  if (typeof schema !== 'object' || schema === null)
    throw new Error(`${schemaUrl.href} is not a JSON object`);
  // strict: false tolerates the SARIF schema's own quirks (e.g. `definitions` beside 2020-12 keywords).
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  return ajv.compile(schema);
}

export function describeErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`)
    .join('\n');
}
