/**
 * OpenVEX (https://github.com/openvex/spec, v0.2.0, and the v0.0.x shape where `vulnerability` and products
 * are plain strings). A statement applies to a finding when it names the vulnerability (id or alias) and a
 * product that is the package (purl), or the image with no subcomponents, or the image with the package among
 * its subcomponents. The newest applicable statement wins; `not_affected` and `fixed` suppress the finding,
 * `affected` and `under_investigation` keep it.
 */
import { readFile } from 'node:fs/promises';
import { PackageURL } from 'packageurl-js';
import { z } from 'zod';
import { ConfigError, InputError, errorMessage } from '../core/errors.js';

export const VEX_STATUSES = ['not_affected', 'affected', 'fixed', 'under_investigation'] as const;
export type VexStatus = (typeof VEX_STATUSES)[number];

const idRef = z.union([z.string().min(1), z.looseObject({ '@id': z.string().min(1) })]);
const productSchema = z.union([
  z.string().min(1),
  z.looseObject({
    '@id': z.string().min(1),
    subcomponents: z.array(idRef).optional(),
  }),
]);

const statementSchema = z.looseObject({
  vulnerability: z.union([
    z.string().min(1),
    z.looseObject({
      name: z.string().min(1).optional(),
      '@id': z.string().optional(),
      aliases: z.array(z.string()).optional(),
    }),
  ]),
  products: z.array(productSchema).default([]),
  subcomponents: z.array(idRef).optional(),
  status: z.enum(VEX_STATUSES),
  justification: z.string().optional(),
  impact_statement: z.string().optional(),
  status_notes: z.string().optional(),
  timestamp: z.string().optional(),
});

const documentSchema = z.looseObject({
  '@context': z.string().optional(),
  '@id': z.string().optional(),
  author: z.string().optional(),
  timestamp: z.string().optional(),
  statements: z.array(statementSchema),
});

export interface VexStatement {
  /** File and index, for the report. */
  source: string;
  documentId?: string;
  author?: string;
  vulnerability: string;
  aliases: string[];
  products: { id: string; subcomponents: string[] }[];
  status: VexStatus;
  justification?: string;
  impactStatement?: string;
  timestamp?: string;
  /** Position across all loaded documents: the later of two equal timestamps wins. */
  order: number;
}

export function parseVexDocument(value: unknown, where: string, orderBase = 0): VexStatement[] {
  const result = documentSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ConfigError(
      `${where}: not an OpenVEX document: ${issue?.path.join('.') || '(top)'}: ${issue?.message}`,
    );
  }
  const doc = result.data;
  const idOf = (ref: z.output<typeof idRef>): string => (typeof ref === 'string' ? ref : ref['@id']);
  return doc.statements.map((s, i) => {
    const vuln = typeof s.vulnerability === 'string' ? { name: s.vulnerability } : s.vulnerability;
    const name = vuln.name ?? vuln['@id'] ?? '';
    const topSubs = (s.subcomponents ?? []).map(idOf);
    const timestamp = s.timestamp ?? doc.timestamp;
    return {
      source: `${where}#statements[${i}]`,
      ...(doc['@id'] ? { documentId: doc['@id'] } : {}),
      ...(doc.author ? { author: doc.author } : {}),
      vulnerability: name,
      aliases: typeof s.vulnerability === 'string' ? [] : (s.vulnerability.aliases ?? []),
      products: s.products.map((p) =>
        typeof p === 'string'
          ? { id: p, subcomponents: topSubs }
          : { id: p['@id'], subcomponents: [...(p.subcomponents ?? []).map(idOf), ...topSubs] },
      ),
      status: s.status,
      ...(s.justification ? { justification: s.justification } : {}),
      ...(s.impact_statement ? { impactStatement: s.impact_statement } : {}),
      ...(timestamp ? { timestamp } : {}),
      order: orderBase + i,
    };
  });
}

export async function loadVexFiles(paths: readonly string[]): Promise<VexStatement[]> {
  const statements: VexStatement[] = [];
  for (const path of paths) {
    let value: unknown;
    try {
      value = JSON.parse(await readFile(path, 'utf8'));
    } catch (error) {
      throw new InputError(`${path}: cannot read the VEX document: ${errorMessage(error)}`, { cause: error });
    }
    statements.push(...parseVexDocument(value, path, statements.length));
  }
  return statements;
}

/** What VEX needs of a finding. */
export interface VexFinding {
  id: string;
  aliases: readonly string[];
  purl: string;
}

/** The scanned artifact: its names (reference as given, repository@digest, pkg:oci purl) and digest. */
export interface VexSubject {
  names: readonly string[];
  digest?: string;
}

export interface VexDecision<F extends VexFinding> {
  kept: F[];
  suppressed: { finding: F; statement: VexStatement }[];
}

export function applyVex<F extends VexFinding>(
  findings: readonly F[],
  statements: readonly VexStatement[],
  subject: VexSubject,
): VexDecision<F> {
  const decision: VexDecision<F> = { kept: [], suppressed: [] };
  for (const finding of findings) {
    const statement = latestStatement(finding, statements, subject);
    if (statement && (statement.status === 'not_affected' || statement.status === 'fixed'))
      decision.suppressed.push({ finding, statement });
    else decision.kept.push(finding);
  }
  return decision;
}

function latestStatement(
  finding: VexFinding,
  statements: readonly VexStatement[],
  subject: VexSubject,
): VexStatement | undefined {
  const names = new Set([finding.id, ...finding.aliases].map((n) => n.toUpperCase()));
  let best: VexStatement | undefined;
  for (const s of statements) {
    if (![s.vulnerability, ...s.aliases].some((n) => names.has(n.toUpperCase()))) continue;
    if (!s.products.some((p) => productApplies(p, finding.purl, subject))) continue;
    if (!best || compareTime(s, best) >= 0) best = s;
  }
  return best;
}

function compareTime(a: VexStatement, b: VexStatement): number {
  const ta = a.timestamp ? Date.parse(a.timestamp) : Number.NEGATIVE_INFINITY;
  const tb = b.timestamp ? Date.parse(b.timestamp) : Number.NEGATIVE_INFINITY;
  return ta !== tb ? (ta < tb ? -1 : 1) : a.order - b.order;
}

function productApplies(
  product: { id: string; subcomponents: string[] },
  purl: string,
  subject: VexSubject,
): boolean {
  if (purlMatches(product.id, purl)) return true;
  if (!isSubject(product.id, subject)) return false;
  return product.subcomponents.length === 0 || product.subcomponents.some((s) => purlMatches(s, purl));
}

function isSubject(id: string, subject: VexSubject): boolean {
  if (subject.names.includes(id)) return true;
  if (!id.startsWith('pkg:oci/') || !subject.digest) return false;
  const parsed = parsePurl(id);
  return parsed?.version === subject.digest;
}

/**
 * A VEX purl matches a package purl when type, namespace and name agree, its version (if any) is the same,
 * and each of its qualifiers has the same value in the package purl (a VEX purl without qualifiers covers
 * every architecture and distribution).
 */
export function purlMatches(pattern: string, purl: string): boolean {
  if (pattern === purl) return true;
  const p = parsePurl(pattern);
  const q = parsePurl(purl);
  if (!p || !q) return false;
  if (p.type !== q.type || (p.namespace ?? '') !== (q.namespace ?? '') || p.name !== q.name) return false;
  if (p.version && p.version !== q.version) return false;
  for (const [key, value] of Object.entries(p.qualifiers ?? {})) {
    if ((q.qualifiers as Record<string, string> | undefined)?.[key] !== value) return false;
  }
  return true;
}

function parsePurl(value: string): PackageURL | undefined {
  try {
    return PackageURL.fromString(value);
  } catch {
    return undefined;
  }
}
