import type { EventView } from './event-view.js';
import type { Expr, Operator } from './condition.js';
import { ConditionError } from './condition.js';
import { compileField } from './fields.js';

export type Predicate = (view: EventView) => boolean;

/** Replace macro names by their parsed conditions, so that compile and prefilter see one tree. */
export function expandMacros(expr: Expr, macros: ReadonlyMap<string, Expr>, stack: string[] = []): Expr {
  switch (expr.type) {
    case 'and':
    case 'or':
      return { type: expr.type, items: expr.items.map((e) => expandMacros(e, macros, stack)) };
    case 'not':
      return { type: 'not', item: expandMacros(expr.item, macros, stack) };
    case 'macro': {
      const body = macros.get(expr.name);
      if (!body) throw new ConditionError(`unknown macro "${expr.name}" (or a field without an operator)`);
      if (stack.includes(expr.name))
        throw new ConditionError(`macro cycle: ${[...stack, expr.name].join(' -> ')}`);
      return expandMacros(body, macros, [...stack, expr.name]);
    }
    default:
      return expr;
  }
}

/**
 * Compiles macros once per rule set. Each macro becomes one closure whose result is remembered on the event
 * view, so a macro shared by many rules (the pod rules all start with `pod_spec_written`) runs once per event.
 */
export class MacroCompiler {
  private readonly compiled = new Map<string, Predicate>();
  private slots = 0;

  constructor(private readonly macros: ReadonlyMap<string, Expr>) {}

  get(name: string, stack: readonly string[]): Predicate {
    const done = this.compiled.get(name);
    if (done) return done;
    const body = this.macros.get(name);
    if (!body) throw new ConditionError(`unknown macro "${name}" (or a field without an operator)`);
    if (stack.includes(name)) throw new ConditionError(`macro cycle: ${[...stack, name].join(' -> ')}`);
    const inner = compileExpr(body, this, [...stack, name]);
    const slot = this.slots++;
    const memo: Predicate = (v) => {
      const known = v.memo[slot];
      if (known !== undefined) return known;
      const result = inner(v);
      v.memo[slot] = result;
      return result;
    };
    this.compiled.set(name, memo);
    return memo;
  }
}

/** Compile a condition into a closure. Field names are validated here; macros come from `macros`. */
export function compileExpr(expr: Expr, macros?: MacroCompiler, stack: readonly string[] = []): Predicate {
  switch (expr.type) {
    case 'and': {
      const items = expr.items.map((e) => compileExpr(e, macros, stack));
      if (items.length === 2) {
        const [a, b] = items as [Predicate, Predicate];
        return (v) => a(v) && b(v);
      }
      return (v) => items.every((p) => p(v));
    }
    case 'or': {
      const items = expr.items.map((e) => compileExpr(e, macros, stack));
      return (v) => items.some((p) => p(v));
    }
    case 'not': {
      const item = compileExpr(expr.item, macros, stack);
      return (v) => !item(v);
    }
    case 'exists': {
      const get = compileField(expr.field);
      return (v) => hasValue(get(v));
    }
    case 'compare':
      return compileCompare(expr);
    case 'macro':
      if (!macros) throw new ConditionError(`unknown macro "${expr.name}"`);
      return macros.get(expr.name, stack);
  }
}

function compileCompare(expr: Extract<Expr, { type: 'compare' }>): Predicate {
  const get = compileField(expr.field);
  if (expr.operand.kind === 'field') {
    const right = compileField(expr.operand.field);
    const op = expr.op;
    const negate = expr.negate;
    return (v) => {
      const rights = strings(right(v));
      if (rights.length === 0) return false;
      const test = buildTest(op, rights);
      return anyValue(get(v), negate ? (x) => !test(x) : test);
    };
  }
  const test = buildTest(expr.op, expr.operand.values);
  const final: ValueTest = expr.negate ? (x) => !test(x) : test;
  return (v) => anyValue(get(v), final);
}

/** Tests one scalar value; numbers and booleans are compared without turning them into strings when possible. */
type ValueTest = (value: string | number | boolean) => boolean;

/**
 * A comparison holds when any value of the field satisfies it; with `!=` and `not in` that means "some value
 * is outside", which is what allow-lists need (some image from another registry). Missing fields never match.
 */
function anyValue(value: unknown, test: ValueTest): boolean {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return test(value);
    case 'object':
      if (Array.isArray(value)) {
        for (const item of value) {
          const t = typeof item;
          if ((t === 'string' || t === 'number' || t === 'boolean') && test(item as string)) return true;
        }
      }
      return false;
    default:
      return false;
  }
}

function scalar(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function strings(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(scalar).filter((s): s is string => s !== undefined);
  const s = scalar(value);
  return s === undefined ? [] : [s];
}

function hasValue(value: unknown): boolean {
  if (Array.isArray(value)) return value.some((x) => x !== undefined && x !== null);
  return value !== undefined && value !== null;
}

const text = (v: string | number | boolean): string => (typeof v === 'string' ? v : String(v));

function buildTest(op: Operator, values: readonly string[]): ValueTest {
  switch (op) {
    case '=':
    case 'in': {
      if (values.length === 1) {
        const only = values[0]!;
        const num = only.trim() === '' ? Number.NaN : Number(only);
        return (v) =>
          typeof v === 'string' ? v === only : typeof v === 'number' ? v === num : String(v) === only;
      }
      const set = new Set(values);
      return (v) => set.has(text(v));
    }
    case 'contains':
      return values.length === 1
        ? (v) => text(v).includes(values[0]!)
        : (v) => {
            const s = text(v);
            return values.some((x) => s.includes(x));
          };
    case 'startswith':
      return values.length === 1
        ? (v) => text(v).startsWith(values[0]!)
        : (v) => {
            const s = text(v);
            return values.some((x) => s.startsWith(x));
          };
    case 'endswith':
      return values.length === 1
        ? (v) => text(v).endsWith(values[0]!)
        : (v) => {
            const s = text(v);
            return values.some((x) => s.endsWith(x));
          };
    case 'glob': {
      if (values.length === 0) return () => false;
      const re = globsToRegExp(values);
      return (v) => re.test(text(v));
    }
    case '<':
    case '<=':
    case '>':
    case '>=': {
      if (values.length !== 1 || !Number.isFinite(Number(values[0])) || values[0]!.trim() === '')
        throw new ConditionError(`"${op}" needs one number, got ${values.join(', ')}`);
      const k = Number(values[0]);
      const cmp = NUMERIC[op];
      return (v) => {
        if (typeof v === 'number') return cmp(v, k);
        if (typeof v !== 'string' || v.trim() === '') return false;
        const n = Number(v);
        return !Number.isNaN(n) && cmp(n, k);
      };
    }
  }
}

const NUMERIC: Record<'<' | '<=' | '>' | '>=', (a: number, b: number) => boolean> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

/** `*` is any run of characters (newlines too, for PEM values), `?` one character; anchored; one regex for all. */
export function globsToRegExp(globs: readonly string[]): RegExp {
  const parts = globs.map((g) =>
    g
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '[\\s\\S]*')
      .replace(/\?/g, '[\\s\\S]'),
  );
  return new RegExp(`^(?:${parts.join('|')})$`);
}

function intersect(a: ReadonlySet<string>, b: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  for (const x of a) if (b.has(x)) out.add(x);
  return out;
}

/**
 * The values a field must take for the condition to hold (`null`: any). Used to index rules by resource, verb
 * and stage, so that an event only meets the few rules that can match it.
 */
export function requiredValues(expr: Expr, field: string): Set<string> | null {
  switch (expr.type) {
    case 'compare':
      return expr.field === field &&
        !expr.negate &&
        (expr.op === '=' || expr.op === 'in') &&
        expr.operand.kind === 'values'
        ? new Set(expr.operand.values)
        : null;
    case 'and': {
      let result: Set<string> | null = null;
      for (const item of expr.items) {
        const sub = requiredValues(item, field);
        if (sub === null) continue;
        result = result === null ? sub : intersect(result, sub);
      }
      return result;
    }
    case 'or': {
      const result = new Set<string>();
      for (const item of expr.items) {
        const sub = requiredValues(item, field);
        if (sub === null) return null;
        for (const x of sub) result.add(x);
      }
      return result;
    }
    default:
      return null;
  }
}
