import { parseDocument } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../../core/errors.js';
import { SEVERITIES } from '../../core/severity.js';
import type { Severity } from '../../core/severity.js';
import { parseCondition } from './condition.js';
import type { Expr } from './condition.js';
import { MacroCompiler, compileExpr, expandMacros, requiredValues } from './compile.js';
import type { Predicate } from './compile.js';
import { closest, compileField } from './fields.js';
import type { Getter } from './fields.js';
import { compileTemplate } from './template.js';
import type { Render } from './template.js';

/** A YAML rules text and the name errors should point at (a file path, or `shipped:<id>`). */
export interface RuleSource {
  name: string;
  text: string;
}

export const STAGES = ['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic'] as const;
export type Stage = (typeof STAGES)[number];

/** Unless a rule says otherwise it sees an event once, when the response is complete. */
export const DEFAULT_STAGES: readonly Stage[] = ['ResponseComplete'];

export interface ThresholdSpec {
  /** Alert when this many matching events from one group fall within the window. */
  count: number;
  windowMs: number;
  by: readonly string[];
  getters: readonly Getter[];
}

/** A compiled rule: data plus closures, ready for the detector. */
export interface RuntimeRule {
  id: string;
  title: string;
  description: string;
  priority: Severity;
  tags: readonly string[];
  /** MITRE ATT&CK technique ids among the tags. */
  techniques: readonly string[];
  enabled: boolean;
  stages: ReadonlySet<string>;
  condition: Predicate;
  output: Render;
  threshold?: ThresholdSpec;
  /** Values objectRef.resource / verb must take for the rule to match; null when any. */
  resources: ReadonlySet<string> | null;
  verbs: ReadonlySet<string> | null;
  /** Where it was defined, for errors and `runtime rules`. */
  source: string;
  conditionText: string;
  outputText: string;
}

export interface RuleSet {
  rules: readonly RuntimeRule[];
  lists: ReadonlyMap<string, readonly string[]>;
}

export interface LoadOptions {
  /** Replace these lists after all sources are read (e.g. the registry allow-list from flags). */
  lists?: Record<string, readonly string[]>;
  /** Enable these rule ids even when a source disables them. */
  enable?: readonly string[];
}

const TECHNIQUE = /^T\d{4}(\.\d{3})?$/;
const RULE_ID = /^[a-z0-9][a-z0-9.-]*$/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const scalar = z.union([z.string(), z.number(), z.boolean()]).transform(String);

const listItem = z.strictObject({
  list: z.string().regex(NAME, 'a list name is letters, digits and _'),
  items: z.array(scalar),
  append: z.boolean().optional(),
});
const macroItem = z.strictObject({
  macro: z.string().regex(NAME, 'a macro name is letters, digits and _'),
  condition: z.string().min(1),
  append: z.boolean().optional(),
});
const ruleItem = z.strictObject({
  rule: z.string().regex(RULE_ID, 'a rule id is lower-case letters, digits, "-" and "."'),
  title: z.string().min(1).optional(),
  desc: z.string().min(1).optional(),
  condition: z.string().min(1).optional(),
  output: z.string().min(1).optional(),
  priority: z.enum(SEVERITIES).optional(),
  tags: z.array(z.string()).optional(),
  enabled: z.boolean().optional(),
  stages: z.array(z.enum(STAGES)).min(1).optional(),
  threshold: z
    .strictObject({
      count: z.number().int().min(2).max(100_000),
      window: z.string().regex(/^\d+(ms|s|m|h)$/, 'a duration like 30s, 5m or 1h'),
      by: z.array(z.string()).min(1).optional(),
    })
    .optional(),
  except: z.string().min(1).optional(),
  replace: z.boolean().optional(),
  requires_list: z.string().regex(NAME).optional(),
});

type RuleItem = z.output<typeof ruleItem>;
interface RuleDraft extends RuleItem {
  source: string;
  exceptions: string[];
}

function fail(source: string, what: string, message: string): never {
  throw new ConfigError(`${source}: ${what}: ${message}`);
}

const RULE_KEYS = Object.keys(ruleItem.shape);

function formatIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    const near = path === '' ? closest(key, RULE_KEYS) : undefined;
    return `${path ? `${path}: ` : ''}unknown key "${key}"${near ? ` (did you mean "${near}"?)` : ''}`;
  }
  return path ? `${path}: ${issue.message}` : issue.message;
}

function itemLabel(item: unknown, index: number): string {
  if (typeof item === 'object' && item !== null) {
    const rec = item as Record<string, unknown>;
    for (const key of ['rule', 'macro', 'list'])
      if (typeof rec[key] === 'string') return `${key} "${rec[key]}"`;
  }
  return `item ${index + 1}`;
}

function parseItems(source: RuleSource): unknown[] {
  const doc = parseDocument(source.text, { uniqueKeys: true });
  const problem = doc.errors[0];
  if (problem) {
    const line = problem.linePos?.[0]?.line;
    throw new ConfigError(`${source.name}${line ? `:${line}` : ''}: ${problem.message.split('\n')[0]}`);
  }
  const value: unknown = doc.toJS({ maxAliasCount: 100 });
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value))
    throw new ConfigError(`${source.name}: expected a YAML list of rule, macro and list items`);
  return value;
}

function parseDuration(text: string): number {
  const m = /^(\d+)(ms|s|m|h)$/.exec(text)!;
  const n = Number(m[1]);
  return n * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
}

/**
 * Read rule sources in order (the shipped set first, then the user's): lists and macros may be appended to or
 * redefined, a rule may be switched on or off, re-prioritized or given exceptions (`except:`). Everything is
 * validated and compiled once; any error names the source, the rule and the field, in one line.
 */
export function loadRuleSet(sources: readonly RuleSource[], options: LoadOptions = {}): RuleSet {
  const rawLists = new Map<string, { items: string[]; source: string }>();
  const rawMacros = new Map<string, { text: string; source: string }>();
  const drafts = new Map<string, RuleDraft>();

  for (const source of sources) {
    parseItems(source).forEach((item, index) => {
      const label = itemLabel(item, index);
      if (typeof item !== 'object' || item === null) fail(source.name, label, 'expected a mapping');
      if ('list' in item) {
        const parsed = listItem.safeParse(item);
        if (!parsed.success) fail(source.name, label, formatIssue(parsed.error));
        const { list, items, append } = parsed.data;
        const prior = rawLists.get(list);
        if (append && !prior) fail(source.name, label, 'append: no earlier list of that name');
        rawLists.set(list, {
          items: append && prior ? [...prior.items, ...items] : items,
          source: source.name,
        });
      } else if ('macro' in item) {
        const parsed = macroItem.safeParse(item);
        if (!parsed.success) fail(source.name, label, formatIssue(parsed.error));
        const { macro, condition, append } = parsed.data;
        const prior = rawMacros.get(macro);
        if (append && !prior) fail(source.name, label, 'append: no earlier macro of that name');
        rawMacros.set(macro, {
          text: append && prior ? `(${prior.text}) or (${condition})` : condition,
          source: source.name,
        });
      } else if ('rule' in item) {
        const parsed = ruleItem.safeParse(item);
        if (!parsed.success) fail(source.name, label, formatIssue(parsed.error));
        mergeRule(drafts, parsed.data, source.name, label);
      } else {
        fail(source.name, label, 'expected one of the keys rule, macro or list');
      }
    });
  }

  for (const [name, items] of Object.entries(options.lists ?? {}))
    rawLists.set(name, { items: [...items], source: 'options' });
  for (const id of options.enable ?? []) {
    const draft = drafts.get(id);
    if (!draft) throw new ConfigError(`enable: no rule "${id}"`);
    draft.enabled = true;
  }

  const lists = resolveLists(rawLists);
  const macros = new Map<string, Expr>();
  for (const [name, { text, source }] of rawMacros) {
    try {
      macros.set(name, parseCondition(text, lists));
    } catch (error) {
      fail(source, `macro "${name}"`, `condition: ${(error as Error).message}`);
    }
  }
  const compiler = new MacroCompiler(macros);
  for (const [name, { source }] of rawMacros) {
    try {
      compiler.get(name, []);
    } catch (error) {
      fail(source, `macro "${name}"`, `condition: ${(error as Error).message}`);
    }
  }
  const rules = [...drafts.values()].map((draft) => compileRule(draft, lists, macros, compiler));
  return { rules, lists };
}

function mergeRule(drafts: Map<string, RuleDraft>, item: RuleItem, source: string, label: string): void {
  const prior = drafts.get(item.rule);
  const defines = item.condition !== undefined;
  if (prior && defines && !item.replace)
    fail(source, label, `condition: already defined in ${prior.source}; set replace: true to redefine it`);
  if (!prior && !defines) fail(source, label, 'condition: required (no earlier rule of that id to change)');
  if (!prior || item.replace) {
    drafts.set(item.rule, { ...item, source, exceptions: item.except ? [item.except] : [] });
    return;
  }
  if (item.enabled !== undefined) prior.enabled = item.enabled;
  if (item.priority !== undefined) prior.priority = item.priority;
  if (item.tags) prior.tags = [...(prior.tags ?? []), ...item.tags];
  if (item.output) prior.output = item.output;
  if (item.except) prior.exceptions.push(item.except);
}

function resolveLists(raw: Map<string, { items: string[]; source: string }>): Map<string, string[]> {
  const resolved = new Map<string, string[]>();
  const resolve = (name: string, stack: string[]): string[] => {
    const done = resolved.get(name);
    if (done) return done;
    const entry = raw.get(name)!;
    if (stack.includes(name)) fail(entry.source, `list "${name}"`, `cycle: ${[...stack, name].join(' -> ')}`);
    // An item naming another list is replaced by that list's items, so lists can be composed.
    const items = entry.items.flatMap((item) => (raw.has(item) ? resolve(item, [...stack, name]) : [item]));
    resolved.set(name, items);
    return items;
  };
  for (const name of raw.keys()) resolve(name, []);
  return resolved;
}

function compileRule(
  draft: RuleDraft,
  lists: Map<string, string[]>,
  macros: Map<string, Expr>,
  compiler: MacroCompiler,
): RuntimeRule {
  const where = `rule "${draft.rule}"`;
  const need = <T>(value: T | undefined, field: string): T => {
    if (value === undefined) fail(draft.source, where, `${field}: required`);
    return value;
  };
  const conditionText = need(draft.condition, 'condition');
  const outputText = need(draft.output, 'output');
  const priority = need(draft.priority, 'priority');
  const description = need(draft.desc, 'desc');
  const tags = draft.tags ?? [];
  // An allow-list rule means nothing until its list is filled: it switches itself on when the list has items.
  const required = draft.requires_list;
  if (required !== undefined && !lists.has(required))
    fail(draft.source, where, `requires_list: no list "${required}"`);
  const listReady = required === undefined || (lists.get(required)?.length ?? 0) > 0;
  for (const tag of tags)
    if (/^T\d/.test(tag) && !TECHNIQUE.test(tag))
      fail(draft.source, where, `tags: "${tag}" is not a MITRE ATT&CK technique id (T1234 or T1234.001)`);

  let expr: Expr;
  let condition: Predicate;
  try {
    const parts = [parseCondition(conditionText, lists)];
    for (const exception of draft.exceptions)
      parts.push({ type: 'not', item: parseCondition(exception, lists) });
    const whole: Expr = parts.length === 1 ? parts[0]! : { type: 'and', items: parts };
    // The expanded tree is for the resource/verb index; the closure keeps macros as shared, memoized calls.
    expr = expandMacros(whole, macros);
    condition = compileExpr(whole, compiler);
  } catch (error) {
    fail(
      draft.source,
      where,
      `${draft.exceptions.length ? 'condition or except' : 'condition'}: ${(error as Error).message}`,
    );
  }
  let output: Render;
  try {
    output = compileTemplate(outputText);
  } catch (error) {
    fail(draft.source, where, `output: ${(error as Error).message}`);
  }
  let threshold: ThresholdSpec | undefined;
  if (draft.threshold) {
    const by = draft.threshold.by ?? ['user.username'];
    try {
      threshold = {
        count: draft.threshold.count,
        windowMs: parseDuration(draft.threshold.window),
        by,
        getters: by.map(compileField),
      };
    } catch (error) {
      fail(draft.source, where, `threshold.by: ${(error as Error).message}`);
    }
  }
  const stages = new Set<string>(draft.stages ?? DEFAULT_STAGES);
  const rule: RuntimeRule = {
    id: draft.rule,
    title: draft.title ?? draft.rule,
    description: description.trim(),
    priority,
    tags,
    techniques: tags.filter((t) => TECHNIQUE.test(t)),
    enabled: (draft.enabled ?? true) && listReady,
    stages,
    condition,
    output,
    resources: requiredValues(expr, 'objectRef.resource'),
    verbs: requiredValues(expr, 'verb'),
    source: draft.source,
    conditionText: conditionText.trim(),
    outputText: outputText.trim(),
  };
  if (threshold) rule.threshold = threshold;
  return rule;
}
