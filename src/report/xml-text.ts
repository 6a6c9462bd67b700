// Escaping for XML and HTML text and attribute values. Input strings are hostile (object names, messages), so
// every interpolated value goes through one of these.

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escape `& < > " '` for use in element text and in quoted attribute values alike (HTML and XML). */
export function escapeMarkup(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ENTITIES[ch] ?? ch);
}

/**
 * XML 1.0 forbids most control characters even as character references, and a lone surrogate is not a
 * character at all; replace them with U+FFFD so the document stays well-formed, then escape markup.
 */
export function escapeXml(text: string): string {
  let clean = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    const allowed =
      code === 0x9 ||
      code === 0xa ||
      code === 0xd ||
      (code >= 0x20 && code <= 0xd7ff) ||
      (code >= 0xe000 && code <= 0xfffd) ||
      code >= 0x10000;
    clean += allowed ? ch : '\ufffd';
  }
  return escapeMarkup(clean);
}

/** Like escapeXml, and keeps line breaks and tabs in attribute values, which XML would fold into spaces. */
export function escapeXmlAttribute(text: string): string {
  return escapeXml(text).replace(/[\t\n\r]/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
