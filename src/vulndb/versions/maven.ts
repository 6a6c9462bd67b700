import type { Ordering, VersionComparator } from './comparator.js';
import { compareDigits, sign } from './comparator.js';

/**
 * Maven versions, as Maven's own `ComparableVersion` (maven-artifact, current master) orders them; the POM
 * reference's "Version Order Specification" describes the same rules. The lower-cased string becomes a list of
 * items: numbers (any size, leading zeros dropped), strings, combinations of a string and a number (`alpha1`,
 * `sp-2`), and nested lists that start at each `-` (and at letter/digit transitions). `.`/`-` with nothing
 * before them mean 0. Trailing "null" items (0, "", empty lists) are trimmed, also in front of a qualifier.
 * Qualifiers order `alpha`(`a`) < `beta`(`b`) < `milestone`(`m`) < `rc`=`cr` < `snapshot` < "" = `ga` =
 * `final` = `release` < `sp` < any other word (alphabetically); a number beats a list, a list beats a word.
 */
type Item = NumItem | StrItem | ComboItem | ListItem;

interface NumItem {
  kind: 'num';
  digits: string;
}
interface StrItem {
  kind: 'str';
  value: string;
}
interface ComboItem {
  kind: 'combo';
  str: StrItem;
  num: NumItem;
}
interface ListItem {
  kind: 'list';
  items: Item[];
}

const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const RELEASE_QUALIFIERS = ['ga', 'final', 'release'];
const RELEASE_INDEX = String(QUALIFIERS.indexOf(''));
const ZERO: NumItem = { kind: 'num', digits: '0' };

function num(digits: string): NumItem {
  const stripped = digits.replace(/^0+/, '');
  return { kind: 'num', digits: stripped || '0' };
}

function str(value: string, followedByDigit: boolean): StrItem {
  let v = value;
  if (followedByDigit && v.length === 1) {
    // a1 = alpha-1, b1 = beta-1, m1 = milestone-1
    v = v === 'a' ? 'alpha' : v === 'b' ? 'beta' : v === 'm' ? 'milestone' : v;
  }
  return { kind: 'str', value: v === 'cr' ? 'rc' : v };
}

function combo(value: string): ComboItem {
  const text = value.replace(/-/g, '');
  const index = Math.max(0, text.search(/\p{Nd}/u));
  return { kind: 'combo', str: str(text.slice(0, index), true), num: num(text.slice(index)) };
}

function comparableQualifier(q: string): string {
  if (RELEASE_QUALIFIERS.includes(q)) return RELEASE_INDEX;
  const i = QUALIFIERS.indexOf(q);
  return i === -1 ? `${QUALIFIERS.length}-${q}` : String(i);
}

/** Java's String.compareTo sign: UTF-16 code units. */
function javaCompare(a: string, b: string): Ordering {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isNull(item: Item): boolean {
  switch (item.kind) {
    case 'num':
      return item.digits === '0';
    case 'str':
      return item.value === '';
    case 'combo':
      return false;
    case 'list':
      return item.items.length === 0;
  }
}

/** `Item.compareTo`, where `undefined` stands for Java's null (a missing item on the other side). */
function compareItem(a: Item, b: Item | undefined): Ordering {
  switch (a.kind) {
    case 'num':
      if (b === undefined) return a.digits === '0' ? 0 : 1;
      return b.kind === 'num' ? compareDigits(a.digits, b.digits) : 1;
    case 'str':
      return compareString(a, b);
    case 'combo':
      return compareCombo(a, b);
    case 'list':
      return compareList(a, b);
  }
}

function compareString(a: StrItem, b: Item | undefined): Ordering {
  if (b === undefined) return javaCompare(comparableQualifier(a.value), RELEASE_INDEX);
  switch (b.kind) {
    case 'num':
      return -1;
    case 'str':
      return javaCompare(comparableQualifier(a.value), comparableQualifier(b.value));
    case 'combo': {
      const result = compareString(a, b.str);
      if (result !== 0) return result;
      return compareString(a, undefined) === 0 ? negate(compareItem(b.num, undefined)) : -1;
    }
    case 'list':
      return negate(compareList(b, a));
  }
}

function compareCombo(a: ComboItem, b: Item | undefined): Ordering {
  if (b === undefined) {
    // 1-rc1 < 1, 1-ga1 > 1
    const result = compareString(a.str, undefined);
    return result === 0 ? compareItem(a.num, undefined) : result;
  }
  switch (b.kind) {
    case 'num':
      return -1;
    case 'str': {
      const result = compareString(a.str, b);
      if (result !== 0) return result;
      // X1 > X, unless X is a release qualifier, where the number decides.
      return compareString(a.str, undefined) === 0 ? compareItem(a.num, undefined) : 1;
    }
    case 'list':
      return negate(compareList(b, a));
    case 'combo':
      return compareString(a.str, b.str) || compareItem(a.num, b.num);
  }
}

function compareList(a: ListItem, b: Item | undefined): Ordering {
  if (b === undefined) {
    for (const item of a.items) {
      const result = compareItem(item, undefined);
      if (result !== 0) return result;
    }
    return 0;
  }
  switch (b.kind) {
    case 'num':
      return -1; // 1-1 < 1.0.x
    case 'str':
    case 'combo': {
      const first = a.items[0];
      let result = first === undefined ? negate(compareItem(b, undefined)) : compareItem(first, b);
      for (let i = 1; result === 0 && i < a.items.length; i++)
        result = compareItem(a.items[i] as Item, undefined);
      return result;
    }
    case 'list': {
      const n = Math.max(a.items.length, b.items.length);
      for (let i = 0; i < n; i++) {
        const l = a.items[i];
        const r = b.items[i];
        const result =
          l === undefined ? (r === undefined ? 0 : negate(compareItem(r, undefined))) : compareItem(l, r);
        if (result !== 0) return result;
      }
      return 0;
    }
  }
}

function negate(o: Ordering): Ordering {
  return sign(-o);
}

function normalize(list: ListItem): void {
  const items = list.items;
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i] as Item;
    if (!isNull(item)) continue;
    const next = items[i + 1];
    if (next === undefined || next.kind === 'str') {
      items.splice(i, 1);
    } else if (next.kind === 'list') {
      const head = next.items[0];
      if (head !== undefined && (head.kind === 'combo' || head.kind === 'str')) items.splice(i, 1);
    }
  }
  const only = items[0];
  if (items.length === 1 && only !== undefined && only.kind === 'list') {
    // Removing a zero prefix must not leave an extra level of nesting.
    list.items = only.items;
  }
}

function parseItem(isCombination: boolean, isDigit: boolean, buf: string): Item {
  if (isCombination) return combo(buf);
  if (isDigit) return num(buf);
  return str(buf, false);
}

const isJavaDigit = (c: string | undefined): boolean => c !== undefined && /\p{Nd}/u.test(c);

/** ComparableVersion.parseVersion. */
export function parseMaven(version: string): ListItem {
  const v = version.toLowerCase();
  const root: ListItem = { kind: 'list', items: [] };
  let list = root;
  const stack: ListItem[] = [root];
  const push = (): void => {
    const child: ListItem = { kind: 'list', items: [] };
    list.items.push(child);
    list = child;
    stack.push(child);
  };
  let isDigit = false;
  let isCombination = false;
  let start = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v[i] as string;
    if (c === '.') {
      list.items.push(i === start ? ZERO : parseItem(isCombination, isDigit, v.slice(start, i)));
      isCombination = false;
      start = i + 1;
    } else if (c === '-') {
      if (i === start) {
        list.items.push(ZERO);
      } else {
        // X-1 is treated as X1.
        if (!isDigit && i !== v.length - 1 && isJavaDigit(v[i + 1])) {
          isCombination = true;
          continue;
        }
        list.items.push(parseItem(isCombination, isDigit, v.slice(start, i)));
      }
      start = i + 1;
      if (list.items.length > 0) push();
      isCombination = false;
    } else if (c >= '0' && c <= '9') {
      if (!isDigit && i > start) {
        // X1
        isCombination = true;
        if (list.items.length > 0) push();
      }
      isDigit = true;
    } else {
      if (isDigit && i > start) {
        list.items.push(parseItem(isCombination, true, v.slice(start, i)));
        start = i;
        push();
        isCombination = false;
      }
      isDigit = false;
    }
  }
  if (v.length > start) {
    // 1.0.0.X1 < 1.0.0-X2: treat .X as -X for any string qualifier X.
    if (!isDigit && list.items.length > 0) push();
    list.items.push(parseItem(isCombination, isDigit, v.slice(start)));
  }
  for (let i = stack.length - 1; i >= 0; i--) normalize(stack[i] as ListItem);
  return root;
}

export function compareMaven(a: string, b: string): Ordering {
  return compareList(parseMaven(a), parseMaven(b));
}

export const mavenComparator: VersionComparator = {
  id: 'maven',
  ecosystems: ['Maven'],
  compare: compareMaven,
  // ComparableVersion accepts every string.
  isValid: (version) => version.length > 0,
};
