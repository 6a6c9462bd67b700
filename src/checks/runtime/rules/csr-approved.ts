/**
 * An approved CertificateSigningRequest for the kube-apiserver-client signer is a new client certificate:
 * a credential for any user and group named in it, that RBAC cannot revoke short of its expiry (T1649). The
 * controller that auto-approves kubelet certificates is trusted.
 */
export const CSR_APPROVED = `
- rule: csr-approved
  title: Certificate signing request approved
  desc: A CertificateSigningRequest was approved by someone other than the control plane.
  condition: >
    objectRef.resource = certificatesigningrequests and objectRef.subresource = approval
    and verb in (update, patch) and succeeded and not trusted_actor
    and (requestObject.status.conditions.type = Approved or not requestObject exists)
  output: "{user.username} approved CSR {objectRef.name} (signer={requestObject.spec.signerName} requested by {requestObject.spec.username})"
  priority: high
  tags: [certificates, credential-access, persistence, T1649, T1078]
`;
