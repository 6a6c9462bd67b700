/**
 * The condition language: `field OP value`, `field exists`, `and`, `or`, `not`, parentheses and macro names.
 *
 *   verb = create and objectRef.resource in (pods, deployments) and not user.groups = system:nodes
 *
 * Parsing yields an AST with field names as text; compile.ts validates and turns it into closures.
 */
export type Operator = '=' | '<' | '<=' | '>' | '>=' | 'in' | 'contains' | 'startswith' | 'endswith' | 'glob';

export type Operand =
  | { kind: 'values'; values: string[] }
  /** `$field`: compared with every value of another field of the same event. */
  | { kind: 'field'; field: string };

export type Expr =
  | { type: 'and'; items: Expr[] }
  | { type: 'or'; items: Expr[] }
  | { type: 'not'; item: Expr }
  | { type: 'exists'; field: string }
  | { type: 'compare'; field: string; op: Operator; negate: boolean; operand: Operand }
  | { type: 'macro'; name: string };

export class ConditionError extends Error {}

type Token =
  | { t: 'word'; v: string; at: number }
  | { t: 'string'; v: string; at: number }
  | { t: 'punct'; v: '(' | ')' | ','; at: number }
  | { t: 'op'; v: '=' | '!=' | '<' | '<=' | '>' | '>='; at: number };

const WORD_OPERATORS = new Set(['in', 'contains', 'startswith', 'endswith', 'glob']);
const RESERVED = new Set(['and', 'or', 'not', 'exists', ...WORD_OPERATORS]);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ t: 'punct', v: ch, at: i });
      i++;
    } else if (ch === '"' || ch === "'") {
      const end = text.indexOf(ch, i + 1);
      if (end === -1) throw new ConditionError(`unclosed quote at ${i + 1}`);
      tokens.push({ t: 'string', v: text.slice(i + 1, end), at: i });
      i = end + 1;
    } else if (ch === '=' || ch === '<' || ch === '>' || ch === '!') {
      const two = text.slice(i, i + 2);
      if (two === '!=' || two === '<=' || two === '>=') {
        tokens.push({ t: 'op', v: two, at: i });
        i += 2;
      } else if (ch === '!') {
        throw new ConditionError(`unexpected "!" at ${i + 1} (use "not" or "!=")`);
      } else {
        tokens.push({ t: 'op', v: ch === '=' ? '=' : ch, at: i });
        i++;
      }
    } else {
      const start = i;
      while (i < text.length) {
        const c = text[i]!;
        // A bracketed key is taken whole, so `annotations[authorization.k8s.io/decision]` stays one word.
        if (c === '[') {
          const end = text.indexOf(']', i);
          if (end === -1) throw new ConditionError(`unclosed [ at ${i + 1}`);
          i = end + 1;
          continue;
        }
        if (/[\s(),=<>!"']/.test(c)) break;
        i++;
      }
      tokens.push({ t: 'word', v: text.slice(start, i), at: start });
    }
  }
  return tokens;
}

/** Parse a condition. `isList` tells whether a bare word inside `( )` names a list to expand. */
export function parseCondition(text: string, lists: ReadonlyMap<string, readonly string[]>): Expr {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const isWord = (tok: Token | undefined, v: string): boolean => tok?.t === 'word' && tok.v === v;
  const where = (tok: Token | undefined): string => (tok ? `at ${tok.at + 1} ("${tok.v}")` : 'at the end');

  function parseOr(): Expr {
    const items = [parseAnd()];
    while (isWord(peek(), 'or')) {
      pos++;
      items.push(parseAnd());
    }
    return items.length === 1 ? items[0]! : { type: 'or', items };
  }
  function parseAnd(): Expr {
    const items = [parseNot()];
    while (isWord(peek(), 'and')) {
      pos++;
      items.push(parseNot());
    }
    return items.length === 1 ? items[0]! : { type: 'and', items };
  }
  function parseNot(): Expr {
    if (isWord(peek(), 'not')) {
      pos++;
      return { type: 'not', item: parseNot() };
    }
    return parsePrimary();
  }
  function parsePrimary(): Expr {
    const tok = peek();
    if (tok?.t === 'punct' && tok.v === '(') {
      pos++;
      const inner = parseOr();
      const close = peek();
      if (close?.t !== 'punct' || close.v !== ')') throw new ConditionError(`expected ")" ${where(close)}`);
      pos++;
      return inner;
    }
    if (tok?.t !== 'word' || RESERVED.has(tok.v))
      throw new ConditionError(`expected a field or macro ${where(tok)}`);
    pos++;
    const next = peek();
    if (isWord(next, 'exists')) {
      pos++;
      return { type: 'exists', field: tok.v };
    }
    let negate = false;
    if (isWord(next, 'not') && tokens[pos + 1]?.t === 'word' && WORD_OPERATORS.has(tokens[pos + 1]!.v)) {
      negate = true;
      pos++;
    }
    const opTok = peek();
    if (opTok?.t === 'op') {
      pos++;
      const op = opTok.v === '!=' ? '=' : opTok.v;
      return { type: 'compare', field: tok.v, op, negate: opTok.v === '!=', operand: parseOperand(op) };
    }
    if (opTok?.t === 'word' && WORD_OPERATORS.has(opTok.v)) {
      pos++;
      const op = opTok.v as Operator;
      return { type: 'compare', field: tok.v, op, negate, operand: parseOperand(op) };
    }
    if (negate) throw new ConditionError(`expected an operator ${where(opTok)}`);
    if (next?.t === 'op' || next?.t === 'string')
      throw new ConditionError(`expected an operator after "${tok.v}" ${where(next)}`);
    // A bare name followed by and/or/)/end is a macro; the compiler checks that it exists.
    return { type: 'macro', name: tok.v };
  }
  function parseOperand(op: Operator): Operand {
    const tok = peek();
    if (tok?.t === 'punct' && tok.v === '(') {
      pos++;
      const values: string[] = [];
      for (;;) {
        const item = peek();
        if (item?.t === 'punct' && item.v === ')' && values.length === 0) break;
        if (item?.t === 'word') {
          const list = lists.get(item.v);
          if (list) values.push(...list);
          else values.push(item.v);
        } else if (item?.t === 'string') values.push(item.v);
        else throw new ConditionError(`expected a value ${where(item)}`);
        pos++;
        const sep = peek();
        if (sep?.t === 'punct' && sep.v === ',') {
          pos++;
          continue;
        }
        if (sep?.t === 'punct' && sep.v === ')') break;
        throw new ConditionError(`expected "," or ")" ${where(sep)}`);
      }
      pos++;
      return { kind: 'values', values };
    }
    if (tok?.t === 'word' && tok.v.startsWith('$') && tok.v.length > 1) {
      pos++;
      return { kind: 'field', field: tok.v.slice(1) };
    }
    if (tok?.t === 'word' || tok?.t === 'string') {
      pos++;
      if (tok.t === 'word' && RESERVED.has(tok.v)) throw new ConditionError(`expected a value ${where(tok)}`);
      // `in list_name` without parentheses reads naturally; anywhere else a bare word is a literal.
      const list = op === 'in' && tok.t === 'word' ? lists.get(tok.v) : undefined;
      return { kind: 'values', values: list ? [...list] : [tok.v] };
    }
    throw new ConditionError(`expected a value ${where(tok)}`);
  }

  if (tokens.length === 0) throw new ConditionError('empty condition');
  const expr = parseOr();
  if (pos < tokens.length) throw new ConditionError(`unexpected ${where(peek())}`);
  return expr;
}
