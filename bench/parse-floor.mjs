// The floor for the manifest scan bench: read every file and parse it with the same YAML library, the same
// streaming parser and options kubeward uses (positions included), converting each document to JS, nothing else.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Composer, LineCounter, Parser } from 'yaml';

const dir = process.argv[2];
let objects = 0;
for (const name of readdirSync(dir).sort()) {
  if (!name.endsWith('.yaml')) continue;
  const lineCounter = new LineCounter();
  const composer = new Composer({ merge: true, prettyErrors: false });
  for (const doc of composer.compose(
    new Parser(lineCounter.addNewLine).parse(readFileSync(join(dir, name), 'utf8')),
  )) {
    if (doc.toJS({ maxAliasCount: 100 })) objects += 1;
  }
}
console.log(objects);
