/**
 * The validating admission webhook's decision (AdmissionReview v1), from the very checks the sync hooks
 * run, so `kubectl apply` of a bad spec fails at once with the field paths instead of ending as
 * SpecValid=False minutes later. Pure: the review in, the review out.
 *
 * What it never refuses, so that pgmeta's webhook cannot stand between a user and their data:
 * - a DELETE, or any change to an object that is being deleted (Metacontroller removes its finalizer
 *   with an update);
 * - an update that leaves `spec` as it was (labels, annotations, finalizers), even when the stored spec is
 *   invalid (it may predate the webhook); it answers with a warning instead;
 * - the transition rules are checked against the old object only when the old spec was valid itself:
 *   fixing an invalid spec is judged on its own (the sync hook still compares with the last valid spec).
 *
 * The shapes follow the AdmissionReview v1 contract (kubernetes/website, content/en/docs/reference/
 * access-authn-authz/extensible-admission-controllers.md, "Request" and "Response"; the Go types in
 * k8s.io/api admission/v1 types.go, AdmissionResponse): the response echoes `request.uid`; a refusal's
 * `status.message` is what kubectl prints after `admission webhook "<name>" denied the request:`;
 * warnings should stay within 120 characters (longer ones may be truncated) and show as `Warning:`.
 */
import { withPlaceholderIdentity, type KubeObject } from '../lib/k8s.js';
import type { FieldError } from '../lib/field-errors.js';
import { checkBackupObject } from '../postgresbackup/spec.js';
import { checkSpec as checkCluster } from '../postgrescluster/spec/index.js';
import { withLoggingDefault } from '../postgrescluster/spec/logging.js';
import { checkSpec as checkDatabase } from '../postgresdatabase/spec/index.js';
import { checkDrillObject } from '../postgresrestoredrill/spec.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export const ADMISSION_API_VERSION = 'admission.k8s.io/v1';

/** The part of `request` the decision reads. */
export interface AdmissionRequest {
  uid: string;
  operation: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
  object?: KubeObject | null;
  oldObject?: KubeObject | null;
}

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: { code: number; reason: string; message: string };
  warnings?: string[];
}

export interface AdmissionReview {
  apiVersion: typeof ADMISSION_API_VERSION;
  kind: 'AdmissionReview';
  response: AdmissionResponse;
}

/** Why a body is not an AdmissionReview this webhook can answer (the server answers 400). */
export class ReviewError extends Error {}

/** The answer to one AdmissionReview v1 request body. Throws ReviewError for a malformed review. */
export function review(body: unknown): AdmissionReview {
  const request = requestOf(body);
  return { apiVersion: ADMISSION_API_VERSION, kind: 'AdmissionReview', response: decide(request) };
}

function requestOf(body: unknown): AdmissionRequest {
  if (!isObj(body) || body['apiVersion'] !== ADMISSION_API_VERSION || body['kind'] !== 'AdmissionReview') {
    throw new ReviewError(`expected an AdmissionReview of ${ADMISSION_API_VERSION}`);
  }
  const request = body['request'];
  if (!isObj(request) || typeof request['uid'] !== 'string' || typeof request['operation'] !== 'string') {
    throw new ReviewError('the AdmissionReview has no request with a uid and an operation');
  }
  return request as unknown as AdmissionRequest;
}

function decide(req: AdmissionRequest): AdmissionResponse {
  const allow: AdmissionResponse = { uid: req.uid, allowed: true };
  if (req.operation !== 'CREATE' && req.operation !== 'UPDATE') return allow;
  const object = kubeObject(req.object);
  if (object === undefined || object.metadata.deletionTimestamp !== undefined) return allow;
  const old = req.operation === 'UPDATE' ? kubeObject(req.oldObject) : undefined;
  const errors = errorsOf(object, old);
  if (errors.length === 0) return { ...allow, ...warningsOf(object, old) };
  if (old !== undefined && sameSpec(object, old)) {
    return { ...allow, warnings: [truncate(`the stored spec is invalid (${describe(errors)})`)] };
  }
  return {
    uid: req.uid,
    allowed: false,
    status: {
      code: 422,
      reason: 'Invalid',
      message: `${kindAndName(object)} is invalid: ${describe(errors)}`,
    },
  };
}

function kubeObject(v: unknown): KubeObject | undefined {
  return isObj(v) && isObj(v['metadata']) ? (v as unknown as KubeObject) : undefined;
}

/** The errors the sync hook would report, transition rules judged against a valid old spec only. */
function errorsOf(object: KubeObject, old: KubeObject | undefined): FieldError[] {
  const check = CHECKS[object.kind];
  // A CREATE may not carry a UID yet: namespace and UID as the API server will store them.
  return check ? check(withPlaceholderIdentity(object), old && withPlaceholderIdentity(old)) : [];
}

const CHECKS: Partial<Record<string, (o: KubeObject, old: KubeObject | undefined) => FieldError[]>> = {
  PostgresCluster(o, old) {
    const previous = old !== undefined && checkCluster(old).ok ? old['spec'] : undefined;
    // A new cluster gets the logging default as the sync hook gives it (spec/logging.ts); an update is
    // judged without it, since only the StatefulSet knows what the cluster was created with.
    const r = checkCluster(old === undefined ? withLoggingDefault(o, undefined) : o, previous);
    return r.ok ? [] : r.errors;
  },
  PostgresDatabase(o, old) {
    const before = old !== undefined ? checkDatabase(old) : undefined;
    const r = checkDatabase(o, before?.ok ? before.spec : undefined);
    return r.ok ? [] : r.errors;
  },
  PostgresBackup(o) {
    const r = checkBackupObject(o);
    return r.ok ? [] : r.errors;
  },
  PostgresRestoreDrill(o) {
    const r = checkDrillObject(o);
    return r.ok ? [] : r.errors;
  },
};

/** What is allowed but worth knowing at apply time. */
function warningsOf(object: KubeObject, old: KubeObject | undefined): { warnings?: string[] } {
  if (object.kind !== 'PostgresCluster' || old === undefined) return {};
  const before = (old['spec'] as { version?: unknown } | undefined)?.version;
  const after = (object['spec'] as { version?: unknown } | undefined)?.version;
  if (typeof before !== 'string' || typeof after !== 'string' || Number(after) <= Number(before)) return {};
  return {
    warnings: [
      truncate(
        `spec.version ${before} -> ${after}: refused once the cluster holds data; see "Major version upgrade"`,
      ),
    ],
  };
}

function sameSpec(a: KubeObject, b: KubeObject): boolean {
  return JSON.stringify(a['spec']) === JSON.stringify(b['spec']);
}

/** `path: message` pairs in the sync hook's order, at most 10 (the rest counted). */
function describe(errors: readonly FieldError[]): string {
  const shown = errors.slice(0, 10).map((e) => `${e.path}: ${e.message}`);
  const more = errors.length > shown.length ? [`and ${errors.length - shown.length} more`] : [];
  return [...shown, ...more].join('; ');
}

function kindAndName(o: KubeObject): string {
  return `${o.kind} ${typeof o.metadata.name === 'string' ? o.metadata.name : '(unnamed)'}`;
}

/** Warnings are asked to stay within 120 characters. */
function truncate(s: string): string {
  return s.length <= 120 ? s : `${s.slice(0, 117)}...`;
}
