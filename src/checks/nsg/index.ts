// Public API of the Azure NSG engine.
export type { Nsg, NsgRule, NsgDirection, NsgAccess, NsgProtocol, AddressItem, PortRange } from './model.js';
export { parseNsg } from './parse-nsg.js';
export type { NetworkContext } from './network-context.js';
export { parseNetworkContext, DEFAULT_NETWORK_CONTEXT } from './network-context.js';
export type { NsgAddress } from './address.js';
export { INTERNET_ADDRESS } from './address.js';
export type { NsgQuery, NsgDecision, NsgChainDecision, NsgPlacement, QueryProtocol } from './evaluate.js';
export { evaluateNsg, evaluateNsgChain, QUERY_PROTOCOLS } from './evaluate.js';
export { NSG_CHECKS, lintNsgs } from './lint/index.js';
export type { NsgCheck, NsgViolation } from './lint/index.js';
