/** Azure network security groups as the evaluator sees them. */
import type { Cidr } from '../netpol/ip.js';

export type NsgDirection = 'Inbound' | 'Outbound';
export type NsgAccess = 'Allow' | 'Deny';
/** A rule's protocol; `*` is Any. */
export type NsgProtocol = 'TCP' | 'UDP' | 'ICMP' | 'ESP' | 'AH' | '*';

export type AddressItem =
  | { kind: 'any'; text: string }
  | { kind: 'cidr'; cidr: Cidr; text: string }
  | { kind: 'tag'; name: string; text: string }
  | { kind: 'asg'; id: string; text: string };

export interface PortRange {
  first: number;
  last: number;
  text: string;
}

export interface NsgRule {
  name: string;
  priority: number;
  direction: NsgDirection;
  access: NsgAccess;
  protocol: NsgProtocol;
  sources: readonly AddressItem[];
  destinations: readonly AddressItem[];
  sourcePorts: readonly PortRange[];
  destinationPorts: readonly PortRange[];
  isDefault: boolean;
  /** Where the rule sits in the file, e.g. `securityRules[3]`. */
  path: string;
}

export interface Nsg {
  name: string;
  id?: string;
  file: string;
  /** Custom and default rules together, sorted by direction then priority. */
  rules: readonly NsgRule[];
}
