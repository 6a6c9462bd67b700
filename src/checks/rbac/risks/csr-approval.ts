// Spec: approving a CertificateSigningRequest takes update on certificatesigningrequests/approval plus
// approve on the signer (certificates.k8s.io signers, by name). With both, a subject can issue itself a
// client certificate for any user or group (system:masters included) from the kube-apiserver-client signer.
import type { SetCheck } from '../../check.js';
import { defineCheck } from '../../check.js';
import type { Capability, RbacViolation, SubjectGrant } from '../grants.js';
import {
  describeRule,
  grantText,
  isSystemSubject,
  onBinding,
  rbacModelOf,
  ruleGranting,
  subjectGrants,
} from '../grants.js';
import { subjectRef } from '../user.js';

const APPROVAL: Capability = {
  verbs: ['update', 'patch'],
  resources: [{ group: 'certificates.k8s.io', resource: 'certificatesigningrequests/approval' }],
  anyName: true,
};
const SIGNER: Capability = {
  verbs: ['approve'],
  resources: [{ group: 'certificates.k8s.io', resource: 'signers' }],
  anyName: true,
};

export const csrApproval = defineCheck<SetCheck>({
  id: 'rbac.csr-approval',
  severity: 'high',
  title: 'Subject can approve certificate signing requests',
  description:
    'With update on certificatesigningrequests/approval and approve on a signer, a subject can approve its ' +
    'own CSR and obtain a client certificate for any identity, including members of system:masters.',
  remediation:
    'Leave CSR approval to the controller manager; grant signer approval only for narrow custom signers.',
  references: [
    'https://kubernetes.io/docs/concepts/security/rbac-good-practices/',
    'https://kubernetes.io/docs/reference/access-authn-authz/certificate-signing-requests/#authorization',
  ],
  category: 'access',
  scope: 'set',
  evaluate(set) {
    // Both halves are cluster-scoped, so only ClusterRoleBindings count; they may come from different bindings.
    const bySubject = new Map<string, SubjectGrant[]>();
    for (const grant of subjectGrants(rbacModelOf(set))) {
      if (grant.namespace !== undefined || isSystemSubject(grant.subject)) continue;
      const key = subjectRef(grant.subject);
      bySubject.set(key, [...(bySubject.get(key) ?? []), grant]);
    }
    const out: RbacViolation[] = [];
    for (const grants of bySubject.values()) {
      const approval = grants.find((g) => ruleGranting(g.rules, APPROVAL));
      const signer = grants.find((g) => ruleGranting(g.rules, SIGNER));
      if (!approval || !signer) continue;
      const signerRule = ruleGranting(signer.rules, SIGNER);
      out.push(
        onBinding(
          approval,
          `${grantText(approval)}: can approve CSRs, and ${signer === approval ? 'the same role' : `${signer.binding.kind} "${signer.binding.name}"`} allows approving for signers (${signerRule ? describeRule(signerRule) : ''})`,
        ),
      );
    }
    return out;
  },
});
