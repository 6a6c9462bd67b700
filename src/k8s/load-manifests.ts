import { readFile, readdir, stat, lstat } from 'node:fs/promises';
import { join, extname } from 'node:path';
import { Composer, LineCounter, Parser, isMap, isSeq } from 'yaml';
import type { Document, Node as YamlNode } from 'yaml';
import type { InputProblem } from '../core/report.js';
import type { InputLimits } from '../core/limits.js';
import { DEFAULT_LIMITS } from '../core/limits.js';
import { InputError, errorMessage } from '../core/errors.js';
import type { K8sObject } from './object.js';
import { isObject, toK8sObject } from './object.js';

export interface LoadResult {
  objects: K8sObject[];
  problems: InputProblem[];
  /** Files that were read (after directory expansion). */
  files: string[];
}

export interface LoadOptions {
  limits?: Partial<InputLimits>;
  /** Reads standard input for the `-` path. */
  readStdin?: () => Promise<string>;
}

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);
const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git']);
export const STDIN_NAME = '<stdin>';

/**
 * Load Kubernetes objects from files, directories (recursive) and `-` (stdin). A file that cannot be parsed
 * becomes a problem and the others are still loaded; only a path that does not exist at all throws.
 */
export async function loadManifests(
  paths: readonly string[],
  options: LoadOptions = {},
): Promise<LoadResult> {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const result: LoadResult = { objects: [], problems: [], files: [] };
  for (const path of paths) {
    if (path === '-') {
      if (!options.readStdin) throw new InputError('reading standard input is not available here');
      const text = await options.readStdin();
      result.files.push(STDIN_NAME);
      collect(result, parseManifestText(text, STDIN_NAME, limits));
      continue;
    }
    for (const file of await expandPath(path)) {
      result.files.push(file);
      collect(result, await loadFile(file, limits));
    }
  }
  return result;
}

function collect(into: LoadResult, from: Omit<LoadResult, 'files'>): void {
  for (const o of from.objects) into.objects.push(o);
  for (const p of from.problems) into.problems.push(p);
}

async function expandPath(path: string): Promise<string[]> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    throw new InputError(
      `${path}: cannot read: ${(error as NodeJS.ErrnoException).code ?? errorMessage(error)}`,
      {
        cause: error,
      },
    );
  }
  if (!info.isDirectory()) return [path];
  const files: string[] = [];
  await walk(path, files);
  return files;
}

/** Recursive, sorted, does not follow symlinked directories (no loops). */
async function walk(dir: string, out: string[]): Promise<void> {
  const entries = (await readdir(dir)).sort();
  for (const name of entries) {
    if (name.startsWith('.') || SKIPPED_DIRECTORIES.has(name)) continue;
    const full = join(dir, name);
    const info = await lstat(full);
    if (info.isDirectory()) await walk(full, out);
    else if ((info.isFile() || info.isSymbolicLink()) && MANIFEST_EXTENSIONS.has(extname(name).toLowerCase()))
      out.push(full);
  }
}

async function loadFile(file: string, limits: InputLimits): Promise<Omit<LoadResult, 'files'>> {
  try {
    const info = await stat(file);
    if (info.size > limits.maxFileBytes) {
      return problemOnly(
        file,
        `file is ${info.size} bytes, over the ${limits.maxFileBytes}-byte limit; skipped`,
      );
    }
    const text = await readFile(file, 'utf8');
    return parseManifestText(text, file, limits);
  } catch (error) {
    return problemOnly(file, `cannot read: ${(error as NodeJS.ErrnoException).code ?? errorMessage(error)}`);
  }
}

function problemOnly(file: string, message: string): Omit<LoadResult, 'files'> {
  return { objects: [], problems: [{ file, message }] };
}

/** Parse one file's text (multi-document YAML or JSON) into objects with positions. Never throws. */
export function parseManifestText(
  text: string,
  file: string,
  limits: InputLimits = DEFAULT_LIMITS,
): Omit<LoadResult, 'files'> {
  const objects: K8sObject[] = [];
  const problems: InputProblem[] = [];
  if (Buffer.byteLength(text) > limits.maxFileBytes) {
    return problemOnly(file, `input is over the ${limits.maxFileBytes}-byte limit; skipped`);
  }
  const lineCounter = new LineCounter();
  const position = (offset: number) => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  let count = 0;
  try {
    for (const doc of composeDocuments(text, lineCounter)) {
      if (++count > limits.maxDocuments) {
        problems.push({ file, message: `more than ${limits.maxDocuments} documents; the rest is skipped` });
        break;
      }
      addDocument(doc, text, file, limits, position, objects, problems);
    }
  } catch (error) {
    problems.push({ file, message: limitMessage(error) ?? `cannot parse: ${errorMessage(error)}` });
  }
  return { objects, problems };
}

/**
 * Documents one at a time (the streaming Parser + Composer of the yaml library), so each document's syntax tree
 * dies young instead of a whole file's trees piling up in the old generation: less memory, less GC work.
 */
function composeDocuments(text: string, lineCounter: LineCounter): Generator<Document.Parsed> {
  const parser = new Parser(lineCounter.addNewLine);
  const composer = new Composer({ merge: true, prettyErrors: false });
  return composer.compose(parser.parse(text)) as Generator<Document.Parsed>;
}

function addDocument(
  doc: Document.Parsed,
  text: string,
  file: string,
  limits: InputLimits,
  position: (offset: number) => { line: number; column: number },
  objects: K8sObject[],
  problems: InputProblem[],
): void {
  const start = doc.contents?.range?.[0] ?? doc.range[0];
  const error = doc.errors[0];
  if (error) {
    const at = position(error.pos[0]);
    const message = /call stack/i.test(error.message)
      ? 'nesting too deep to parse safely; skipped'
      : `YAML syntax error: ${firstLine(error.message)}`;
    problems.push({ file, ...at, message });
    return;
  }
  if (doc.contents === null) return; // empty document (e.g. a trailing `---`)
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: limits.maxAliasCount });
  } catch (error) {
    problems.push({
      file,
      ...position(start),
      message: limitMessage(error) ?? `cannot decode: ${errorMessage(error)}`,
    });
    return;
  }
  if (value === null || value === undefined) return;
  if (depthOf(value, limits.maxDepth) > limits.maxDepth) {
    problems.push({
      file,
      ...position(start),
      message: `nesting deeper than ${limits.maxDepth} levels; skipped`,
    });
    return;
  }
  const helmSource = /^#\s*Source:\s*(.+)$/m.exec(text.slice(doc.range[0], start))?.[1]?.trim();
  const source = (offset: number) => ({ file, ...position(offset), ...(helmSource ? { helmSource } : {}) });
  addObject(value, source(start), doc.contents, source, objects, problems);
}

function addObject(
  value: unknown,
  where: K8sObject['source'],
  node: YamlNode | null | undefined,
  sourceAt: (offset: number) => K8sObject['source'],
  objects: K8sObject[],
  problems: InputProblem[],
): void {
  if (!isObject(value)) {
    problems.push({
      file: where.file,
      line: where.line,
      column: where.column,
      message: 'not a Kubernetes object (not a map)',
    });
    return;
  }
  const kind = value['kind'];
  const apiVersion = value['apiVersion'];
  // `kind: List` (kubectl get -o yaml) and typed lists (PodList from the API) hold their objects in `items`.
  if (typeof kind === 'string' && kind.endsWith('List') && Array.isArray(value['items'])) {
    const itemNodes = isMap(node) ? node.get('items', true) : undefined;
    value['items'].forEach((item, index) => {
      const itemNode = isSeq(itemNodes) ? (itemNodes.items[index] as YamlNode | undefined) : undefined;
      const offset = itemNode?.range?.[0];
      addObject(item, offset === undefined ? where : sourceAt(offset), itemNode, sourceAt, objects, problems);
    });
    return;
  }
  if (typeof kind !== 'string' || !kind || typeof apiVersion !== 'string' || !apiVersion) {
    const missing = [
      typeof apiVersion === 'string' && apiVersion ? '' : 'apiVersion',
      typeof kind === 'string' && kind ? '' : 'kind',
    ]
      .filter(Boolean)
      .join(' and ');
    problems.push({
      file: where.file,
      line: where.line,
      column: where.column,
      message: `not a Kubernetes object: no ${missing}`,
    });
    return;
  }
  objects.push(toK8sObject(value, apiVersion, kind, where));
}

/** Iterative depth measure that stops early once past the limit. */
function depthOf(root: unknown, limit: number): number {
  const stack: [unknown, number][] = [[root, 1]];
  let max = 0;
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (depth > max) max = depth;
    if (max > limit) return max;
    for (const child of Array.isArray(value) ? value : Object.values(value)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return max;
}

function limitMessage(error: unknown): string | undefined {
  if (error instanceof RangeError) return 'nesting too deep to parse safely; skipped';
  const message = errorMessage(error);
  if (/alias/i.test(message)) return 'too many YAML aliases (possible alias bomb); skipped';
  return undefined;
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
