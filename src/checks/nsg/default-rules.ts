/**
 * The default rules Azure puts in every NSG (learn.microsoft.com/azure/virtual-network/network-security-groups-overview
 * #default-security-rules). Used when a file lacks `defaultSecurityRules`, since Azure applies them anyway.
 */
import type { NsgAccess, NsgDirection } from './model.js';

export interface DefaultRuleSpec {
  name: string;
  priority: number;
  direction: NsgDirection;
  access: NsgAccess;
  source: string;
  destination: string;
}

export const DEFAULT_RULES: readonly DefaultRuleSpec[] = [
  {
    name: 'AllowVnetInBound',
    priority: 65000,
    direction: 'Inbound',
    access: 'Allow',
    source: 'VirtualNetwork',
    destination: 'VirtualNetwork',
  },
  {
    name: 'AllowAzureLoadBalancerInBound',
    priority: 65001,
    direction: 'Inbound',
    access: 'Allow',
    source: 'AzureLoadBalancer',
    destination: '*',
  },
  {
    name: 'DenyAllInBound',
    priority: 65500,
    direction: 'Inbound',
    access: 'Deny',
    source: '*',
    destination: '*',
  },
  {
    name: 'AllowVnetOutBound',
    priority: 65000,
    direction: 'Outbound',
    access: 'Allow',
    source: 'VirtualNetwork',
    destination: 'VirtualNetwork',
  },
  {
    name: 'AllowInternetOutBound',
    priority: 65001,
    direction: 'Outbound',
    access: 'Allow',
    source: '*',
    destination: 'Internet',
  },
  {
    name: 'DenyAllOutBound',
    priority: 65500,
    direction: 'Outbound',
    access: 'Deny',
    source: '*',
    destination: '*',
  },
];
