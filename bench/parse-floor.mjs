// The floor for the manifest scan bench: read every file and parse it with the same YAML library and
// options kubeward uses (positions included), converting to JS objects, and nothing else.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, LineCounter } from 'yaml';

const dir = process.argv[2];
let objects = 0;
for (const name of readdirSync(dir).sort()) {
  if (!name.endsWith('.yaml')) continue;
  const lineCounter = new LineCounter();
  for (const doc of parseAllDocuments(readFileSync(join(dir, name), 'utf8'), { lineCounter, merge: true })) {
    if (doc.toJS({ maxAliasCount: 100 })) objects += 1;
  }
}
console.log(objects);
