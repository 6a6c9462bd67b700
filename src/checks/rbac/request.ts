/** What is being asked, as the API server's authorizer sees it (authorizer.Attributes). */
export interface ResourceRequest {
  type: 'resource';
  verb: string;
  /** API group; `""` is the core group. */
  apiGroup: string;
  resource: string;
  subresource?: string;
  name?: string;
  /** `""` or undefined: cluster-scoped, or a namespaced resource across all namespaces. */
  namespace?: string;
}

export interface NonResourceRequest {
  type: 'nonResource';
  verb: string;
  path: string;
}

export type AccessRequest = ResourceRequest | NonResourceRequest;

/** The authenticated user: name and groups (implicit groups already added, see user.ts). */
export interface UserInfo {
  name: string;
  groups: readonly string[];
}

/** The namespace RoleBindings are consulted in; empty for non-resource and cluster-wide requests. */
export function requestNamespace(request: AccessRequest): string {
  return request.type === 'resource' ? (request.namespace ?? '') : '';
}
