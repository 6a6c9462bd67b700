/** A tiny XML element tree for pom.xml and similar files: elements and text only, no namespaces or DTDs. */
export interface XmlElement {
  name: string;
  children: XmlElement[];
  text: string;
}

const MAX_DEPTH = 200;

/** Entities are decoded for the five predefined names only; DTDs are ignored, so no entity expansion attack. */
export function parseXml(text: string): XmlElement | undefined {
  const cleaned = text
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<\?[\s\S]*?\?>/g, '')
    .replace(/<!DOCTYPE[^>[]*(\[[\s\S]*?\])?>/gi, '');
  const root: XmlElement = { name: '#document', children: [], text: '' };
  const stack: XmlElement[] = [root];
  const re = /<!\[CDATA\[([\s\S]*?)\]\]>|<(\/?)([\w.:-]+)[^>]*?(\/?)>|([^<]+)/g;
  for (let m = re.exec(cleaned); m; m = re.exec(cleaned)) {
    const top = stack[stack.length - 1] as XmlElement;
    if (m[1] !== undefined) top.text += m[1];
    else if (m[5] !== undefined) top.text += decodeEntities(m[5]);
    else if (m[2] === '/') {
      if (stack.length > 1) stack.pop();
    } else if (m[3]) {
      const el: XmlElement = { name: m[3].replace(/^.*:/, ''), children: [], text: '' };
      top.children.push(el);
      if (m[4] !== '/' && stack.length < MAX_DEPTH) stack.push(el);
    }
  }
  return root.children[0];
}

export function child(el: XmlElement | undefined, name: string): XmlElement | undefined {
  return el?.children.find((c) => c.name === name);
}

export function childText(el: XmlElement | undefined, name: string): string | undefined {
  const value = child(el, name)?.text.trim();
  return value ? value : undefined;
}

function decodeEntities(text: string): string {
  return text.replace(
    /&(lt|gt|amp|quot|apos);/g,
    (_, e: string) => ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" })[e] ?? '',
  );
}
