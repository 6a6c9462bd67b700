// Child process for sqlite-crash.test.ts: writes numbered records in a loop until it is killed, printing
// "committed N" after each record's writes have returned (so are committed). Usage: crash-writer PATH FIRST
import { openStore } from '../../../src/store/index.js';
import { CRASH_RUN, crashItems, crashScan } from './crash-records.js';

const [path, first] = process.argv.slice(2);
if (!path || first === undefined) throw new Error('usage: crash-writer PATH FIRST');
const store = await openStore(path);
await store.startRun(CRASH_RUN);
for (let i = Number(first); ; i++) {
  await store.putImageScan(crashScan(i));
  await store.putRunItems(crashItems(i));
  process.stdout.write(`committed ${i}\n`);
}
