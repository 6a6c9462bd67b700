/** One challenge of a `WWW-Authenticate` header, e.g. `Bearer realm="https://auth/token",service="reg"`. */
export interface AuthChallenge {
  scheme: string;
  params: Record<string, string>;
}

/**
 * Parse the challenges of a WWW-Authenticate header (RFC 7235). Registries send one challenge; the parser still
 * copes with several and with quoted commas, as in `scope="repository:a:pull,push"`.
 */
export function parseWwwAuthenticate(header: string): AuthChallenge[] {
  const challenges: AuthChallenge[] = [];
  let current: AuthChallenge | undefined;
  for (const item of splitOutsideQuotes(header)) {
    const text = item.trim();
    if (!text) continue;
    const schemeMatch = /^([\w!#$%&'*+.^`|~-]+)(?:\s+(.*))?$/s.exec(text);
    if (schemeMatch && !text.slice(0, (schemeMatch[1] ?? '').length + 1).includes('=')) {
      current = { scheme: (schemeMatch[1] ?? '').toLowerCase(), params: {} };
      challenges.push(current);
      if (schemeMatch[2]) addParam(current, schemeMatch[2]);
    } else if (current) {
      addParam(current, text);
    }
  }
  return challenges;
}

function addParam(challenge: AuthChallenge, text: string): void {
  const eq = text.indexOf('=');
  if (eq <= 0) return;
  const key = text.slice(0, eq).trim().toLowerCase();
  let value = text.slice(eq + 1).trim();
  if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) {
    value = value.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  challenge.params[key] = value;
}

function splitOutsideQuotes(text: string): string[] {
  const parts: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\' && quoted) i++;
    else if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}
