/** Public API of policy/: the vulnerability gate (pure), its first-seen store, and OpenVEX. */
export {
  GATE_SEVERITIES,
  type GateException,
  type GatePolicy,
  type GateRule,
  type GateScope,
  type GateSeverity,
  gatePolicySchema,
  loadGatePolicy,
  parseGatePolicy,
} from './gate-policy.js';
export {
  type GateDecision,
  type GateFinding,
  type GateInput,
  type GateItem,
  type GateVendorStatus,
  type NotCountedItem,
  type StateEntry,
  type WaivedItem,
  evaluateGate,
  exceptionMatches,
  isExpired,
} from './gate.js';
export { formatGateText, gateDecisionJson } from './gate-report.js';
export { FirstSeenStore, defaultStatePath } from './first-seen-store.js';
export {
  VEX_STATUSES,
  type VexDecision,
  type VexFinding,
  type VexStatement,
  type VexStatus,
  type VexSubject,
  applyVex,
  loadVexFiles,
  parseVexDocument,
  purlMatches,
} from './vex.js';
