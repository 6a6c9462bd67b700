// Finding: a custom rule that can never decide because a single higher-priority rule of the same direction
// matches everything it matches. When the two differ in access, the lower rule's intent is silently lost.
import { ruleCovers } from '../coverage.js';
import type { NsgViolation } from './types.js';
import { defineNsgCheck } from './types.js';

export const ruleShadowed = defineNsgCheck({
  id: 'nsg.rule-shadowed',
  severity: 'medium',
  title: 'NSG rule shadowed by a higher-priority rule',
  description:
    'NSG rules are evaluated in priority order and the first match wins. A rule that a higher-priority rule fully ' +
    'covers never takes effect: a deny meant to block traffic does not, or an allow is dead weight that misleads reviewers.',
  remediation:
    'Give the rule a lower priority number than the rule that covers it, narrow the covering rule, or delete the dead rule.',
  references: ['https://learn.microsoft.com/azure/virtual-network/network-security-group-how-it-works'],
  category: 'network',
  evaluate(nsg, ctx) {
    const out: NsgViolation[] = [];
    nsg.rules.forEach((rule, index) => {
      if (rule.isDefault) return;
      const cover = nsg.rules
        .slice(0, index)
        .find(
          (h) => h.direction === rule.direction && h.priority < rule.priority && ruleCovers(h, rule, ctx),
        );
      if (!cover) return;
      const effect =
        cover.access === rule.access
          ? `redundant (both ${rule.access})`
          : `never takes effect: ${cover.name} ${cover.access === 'Allow' ? 'allows' : 'denies'} that traffic first`;
      out.push({
        rule,
        message: `rule ${rule.name} (priority ${rule.priority}) is shadowed by ${cover.name} (priority ${cover.priority}); ${effect}`,
      });
    });
    return out;
  },
});
