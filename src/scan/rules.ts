import type { RuleMeta } from '../core/finding.js';
import { CHECKS } from '../checks/index.js';
import { PSS_CHECKS } from '../checks/pss/index.js';
import { EXPIRED_EXCEPTION_RULE } from './apply-config.js';

/** Every rule kubeward can report from a manifest scan, sorted by id (docs, SARIF, `kubeward rules`). */
export function allManifestRules(): RuleMeta[] {
  return [...CHECKS.items, ...PSS_CHECKS, EXPIRED_EXCEPTION_RULE]
    .map(({ id, severity, title, description, remediation, references, category }) => ({
      id,
      severity,
      title,
      description,
      remediation,
      references,
      category,
    }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** docs/rules.md, generated so the documentation cannot drift from the registry. */
export function renderRulesMarkdown(rules: readonly RuleMeta[]): string {
  const lines = [
    '# kubeward rules',
    '',
    '<!-- Generated from the check registries by `npm run docs:rules`; a test fails when it is stale. -->',
    '',
    '| id | severity | category | title |',
    '| --- | --- | --- | --- |',
    ...rules.map((r) => `| [\`${r.id}\`](#${anchor(r.id)}) | ${r.severity} | ${r.category} | ${r.title} |`),
    '',
  ];
  for (const r of rules) {
    lines.push(
      `## ${r.id}`,
      '',
      `**${r.title}** (${r.severity}, ${r.category})`,
      '',
      r.description,
      '',
      `**Fix:** ${r.remediation}`,
      '',
    );
    if (r.references.length > 0) lines.push(...r.references.map((ref) => `- ${ref}`), '');
  }
  return lines.join('\n');
}

function anchor(id: string): string {
  return id.toLowerCase().replace(/[^a-z0-9 -]/g, '');
}
