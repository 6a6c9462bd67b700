// AdmissionReview admission.k8s.io/v1 on the wire. The zod schema is the one place that decides whether a body
// is a review we can answer; everything past it reads typed fields only.
import { z } from 'zod';

export const ADMISSION_API_VERSION = 'admission.k8s.io/v1';

const groupVersionKind = z.object({ group: z.string(), version: z.string(), kind: z.string() });
const groupVersionResource = z.object({ group: z.string(), version: z.string(), resource: z.string() });

const userInfo = z.object({
  username: z.string().optional(),
  uid: z.string().optional(),
  groups: z.array(z.string()).optional(),
});

export const OPERATIONS = ['CREATE', 'UPDATE', 'DELETE', 'CONNECT'] as const;
export type Operation = (typeof OPERATIONS)[number];

const jsonObject = z.record(z.string(), z.unknown());

const requestSchema = z.object({
  uid: z.string().min(1),
  kind: groupVersionKind,
  resource: groupVersionResource,
  subResource: z.string().optional(),
  requestKind: groupVersionKind.optional(),
  requestResource: groupVersionResource.optional(),
  requestSubResource: z.string().optional(),
  name: z.string().optional(),
  namespace: z.string().optional(),
  operation: z.enum(OPERATIONS),
  userInfo: userInfo.default({}),
  object: jsonObject.nullable().optional(),
  oldObject: jsonObject.nullable().optional(),
  dryRun: z.boolean().optional(),
  options: z.unknown().optional(),
});

const reviewSchema = z.object({
  apiVersion: z.literal(ADMISSION_API_VERSION),
  kind: z.literal('AdmissionReview'),
  request: requestSchema,
});

export type AdmissionRequest = z.output<typeof requestSchema>;

/** metav1.Status as the API server reads it from `response.status`. */
export interface ResponseStatus {
  code: number;
  message: string;
  reason?: 'Forbidden' | 'BadRequest' | 'InternalError' | 'Invalid';
}

export interface JsonPatchOperation {
  op: 'replace' | 'add' | 'remove';
  path: string;
  value?: unknown;
}

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: ResponseStatus & { status: 'Failure' | 'Success' };
  warnings?: string[];
  auditAnnotations?: Record<string, string>;
  patch?: string;
  patchType?: 'JSONPatch';
}

export interface AdmissionReviewResponse {
  apiVersion: typeof ADMISSION_API_VERSION;
  kind: 'AdmissionReview';
  response: AdmissionResponse;
}

export type ParsedReview = { ok: true; request: AdmissionRequest } | { ok: false; message: string };

/** Decode a request body; `ok: false` carries a one-line message for the 400 answer. */
export function parseAdmissionReview(body: string): ParsedReview {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return { ok: false, message: 'body is not valid JSON' };
  }
  const result = reviewSchema.safeParse(value);
  if (result.success) return { ok: true, request: result.data.request };
  const issue = result.error.issues[0];
  const at = issue && issue.path.length > 0 ? issue.path.join('.') : '(top level)';
  return {
    ok: false,
    message: `not an ${ADMISSION_API_VERSION} AdmissionReview: ${at}: ${issue?.message ?? 'invalid'}`,
  };
}

/** What a decision says, before it is tied to a request uid. */
export interface AdmissionVerdict {
  allowed: boolean;
  status?: ResponseStatus;
  warnings: string[];
  auditAnnotations: Record<string, string>;
  patch?: readonly JsonPatchOperation[];
}

export function toReviewResponse(uid: string, verdict: AdmissionVerdict): AdmissionReviewResponse {
  const response: AdmissionResponse = { uid, allowed: verdict.allowed };
  if (verdict.status)
    response.status = { ...verdict.status, status: verdict.allowed ? 'Success' : 'Failure' };
  if (verdict.warnings.length > 0) response.warnings = [...verdict.warnings];
  if (Object.keys(verdict.auditAnnotations).length > 0)
    response.auditAnnotations = { ...verdict.auditAnnotations };
  if (verdict.allowed && verdict.patch && verdict.patch.length > 0) {
    response.patch = Buffer.from(JSON.stringify(verdict.patch)).toString('base64');
    response.patchType = 'JSONPatch';
  }
  return { apiVersion: ADMISSION_API_VERSION, kind: 'AdmissionReview', response };
}
