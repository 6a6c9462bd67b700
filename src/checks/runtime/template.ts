import { compileField, FieldError } from './fields.js';
import type { EventView } from './event-view.js';

export type Render = (view: EventView) => string;

const MAX_VALUE_CHARS = 256;

/**
 * Output templates interpolate `{field}`; a field with no value reads `<none>`, several values are joined by
 * commas. Values are cut and stripped of line breaks, so a hostile object name cannot forge extra log lines.
 */
export function compileTemplate(template: string): Render {
  const parts: (string | ((v: EventView) => unknown))[] = [];
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{', i);
    if (open === -1) {
      parts.push(template.slice(i));
      break;
    }
    const close = template.indexOf('}', open);
    if (close === -1) throw new FieldError(`unclosed "{" at ${open + 1}`);
    if (open > i) parts.push(template.slice(i, open));
    parts.push(compileField(template.slice(open + 1, close).trim()));
    i = close + 1;
  }
  return (view) => {
    let out = '';
    for (const part of parts) out += typeof part === 'string' ? part : display(part(view));
    return out;
  };
}

export function display(value: unknown): string {
  let text: string;
  if (value === undefined || value === null) return '<none>';
  if (Array.isArray(value)) {
    if (value.length === 0) return '<none>';
    text = value.map((v) => (typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v))).join(',');
  } else if (typeof value === 'object') text = JSON.stringify(value);
  else text = String(value);
  // eslint-disable-next-line no-control-regex
  text = text.replace(/[\u0000-\u001f\u007f]+/g, ' ');
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}...` : text;
}
