// Writes docs/rules.md from the check registries (npm run docs:rules).
import { writeFileSync } from 'node:fs';
import { allManifestRules, renderRulesMarkdown } from '../src/scan/rules.js';

writeFileSync(new URL('../docs/rules.md', import.meta.url), renderRulesMarkdown(allManifestRules()));
