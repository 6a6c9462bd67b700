// Text from scanned inputs is hostile: object names or messages could carry escape sequences that repaint or
// hide lines of a terminal (or reorder them with bidi overrides). Everything printed is made visible here.

/** Replace control characters (C0, DEL, C1) and bidi controls with a visible `\xNN` / `\u{NNNN}` form. */
export function visibleText(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (isBidiControl(code)) out += `\\u{${code.toString(16)}}`;
    else out += ch;
  }
  return out;
}

function isBidiControl(code: number): boolean {
  return (
    code === 0x061c ||
    code === 0x200e ||
    code === 0x200f ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069)
  );
}

const ANSI = {
  reset: '\u001b[0m',
  bold: '\u001b[1m',
  dim: '\u001b[2m',
  red: '\u001b[31m',
  boldRed: '\u001b[1;31m',
  yellow: '\u001b[33m',
  cyan: '\u001b[36m',
} as const;

export type Style = Exclude<keyof typeof ANSI, 'reset'>;

/** Wrap already-sanitised text in one ANSI style, or return it unchanged when colour is off. */
export function paint(text: string, style: Style, color: boolean): string {
  return color ? `${ANSI[style]}${text}${ANSI.reset}` : text;
}
