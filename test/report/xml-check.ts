// Test helper: a small strict XML 1.0 reader, enough to prove JUnit output is well-formed (one root, balanced
// tags, quoted unique attributes, only legal characters and known entities) and to inspect its tree.
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NAME = /^[A-Za-z_][\w.-]*/;
const ENTITY = /^&(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);/;
const DECODE: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

/** Decode character data, rejecting a raw `<` and any `&` that does not start a known entity. */
function decode(raw: string, where: string): string {
  let out = '';
  for (let i = 0; i < raw.length;) {
    const ch = raw[i] ?? '';
    if (ch === '<') throw new Error(`raw "<" in ${where}`);
    if (ch === '&') {
      const m = ENTITY.exec(raw.slice(i));
      if (!m) throw new Error(`bad entity in ${where}: ${raw.slice(i, i + 12)}`);
      const body = m[0].slice(1, -1);
      out += body.startsWith('#x')
        ? String.fromCodePoint(parseInt(body.slice(2), 16))
        : body.startsWith('#')
          ? String.fromCodePoint(parseInt(body.slice(1), 10))
          : (DECODE[body] ?? '');
      i += m[0].length;
    } else {
      out += ch;
      i += 1;
    }
  }
  return out;
}

export function parseXml(xml: string): XmlElement {
  for (const ch of xml) {
    const code = ch.codePointAt(0) ?? 0;
    if (!isXmlChar(code)) throw new Error(`illegal XML character U+${code.toString(16)}`);
  }
  let pos = 0;
  const decl = /^<\?xml[^?]*\?>\s*/.exec(xml);
  if (decl) pos = decl[0].length;

  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  while (pos < xml.length) {
    const lt = xml.indexOf('<', pos);
    const text = lt === -1 ? xml.slice(pos) : xml.slice(pos, lt);
    const top = stack[stack.length - 1];
    if (top) top.text += decode(text, `<${top.name}> text`);
    else if (text.trim() !== '') throw new Error(`text outside the root element: ${text.slice(0, 20)}`);
    if (lt === -1) break;
    pos = lt;

    if (xml.startsWith('</', pos)) {
      const m = /^<\/([A-Za-z_][\w.-]*)\s*>/.exec(xml.slice(pos));
      if (!m) throw new Error(`bad end tag at ${pos}`);
      const open = stack.pop();
      if (!open || open.name !== m[1]) throw new Error(`</${m[1]}> closes <${open?.name ?? 'nothing'}>`);
      pos += m[0].length;
      continue;
    }

    pos += 1;
    const name = NAME.exec(xml.slice(pos))?.[0];
    if (!name) throw new Error(`bad start tag at ${pos}`);
    pos += name.length;
    const element: XmlElement = { name, attributes: {}, children: [], text: '' };
    for (;;) {
      const ws = /^\s*/.exec(xml.slice(pos))?.[0] ?? '';
      pos += ws.length;
      if (xml.startsWith('/>', pos) || xml.startsWith('>', pos)) break;
      if (ws === '') throw new Error(`missing space before attribute in <${name}>`);
      const attr = /^([A-Za-z_][\w.:-]*)="([^"]*)"/.exec(xml.slice(pos));
      if (!attr || attr[1] === undefined || attr[2] === undefined)
        throw new Error(`bad attribute in <${name}>`);
      if (attr[1] in element.attributes) throw new Error(`duplicate attribute ${attr[1]} in <${name}>`);
      element.attributes[attr[1]] = decode(attr[2], `<${name} ${attr[1]}>`);
      pos += attr[0].length;
    }
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(element);
    else if (root) throw new Error('more than one root element');
    else root = element;
    if (xml.startsWith('/>', pos)) {
      pos += 2;
    } else {
      pos += 1;
      stack.push(element);
    }
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack.map((e) => e.name).join('> <')}>`);
  if (!root) throw new Error('no root element');
  return root;
}
