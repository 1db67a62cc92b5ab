/**
 * Turns what a handler wants into exactly what Metacontroller may receive, or refuses.
 *
 * Metacontroller deletes every observed child a 200 response leaves out, creates undeclared types
 * it will never observe again, and (hook v2) rejects unknown top-level keys. This builder is the one
 * place that stands between a handler bug and those outcomes.
 */
import { sanitize } from '../lib/sanitize.js';
import type { KubeObject } from '../lib/k8s.js';
import { compareByNamespacedName, isTerminating } from './children.js';
import { hasProtectedAnnotation, type ChildType } from './controller.js';
import { HookError } from './errors.js';
import type { ObjectMap } from './types.js';

/** What the checks need to know about the request and the controller. */
export interface ResponseScope {
  /** Types the controller declares (`childResources` or `attachments`). */
  types: readonly ChildType[];
  /** The parent's namespace; undefined for a cluster-scoped parent. */
  namespace: string | undefined;
  /** What Metacontroller observed (children or attachments). */
  observed: ObjectMap;
  isProtected?: (child: KubeObject) => boolean;
}

/** Validated, namespaced, sanitized children sorted by kind then namespace/name. */
export function checkChildren(children: unknown, scope: ResponseScope): KubeObject[] {
  if (!Array.isArray(children)) throw new HookError('InvalidResponse', 'children must be a list');
  const seen = new Set<string>();
  const out = children.map((raw: unknown, i) => {
    const child = checkChild(raw, i, scope);
    const id = identity(child);
    if (seen.has(id)) throw new HookError('InvalidResponse', `duplicate child ${id}`);
    seen.add(id);
    return child;
  });
  guardDeletions(scope, seen);
  return out.sort(compareChildren);
}

function checkChild(raw: unknown, index: number, scope: ResponseScope): KubeObject {
  const child = sanitize(raw, `children[${index}]`);
  if (!isObject(child)) throw new HookError('InvalidResponse', `children[${index}] is not an object`);
  const { apiVersion, kind, metadata } = child;
  if (!nonEmpty(apiVersion) || !nonEmpty(kind) || !isObject(metadata) || !nonEmpty(metadata['name'])) {
    throw new HookError('InvalidResponse', `children[${index}] needs apiVersion, kind and metadata.name`);
  }
  const name = metadata['name'];
  if (!scope.types.some((t) => t.kind === kind && t.apiVersion === apiVersion)) {
    throw new HookError('InvalidResponse', `child ${kind} ${name}: undeclared type ${kind}.${apiVersion}`);
  }
  const ns = metadata['namespace'];
  if (ns !== undefined && ns !== scope.namespace) {
    throw new HookError(
      'InvalidResponse',
      `child ${kind} ${name}: namespace ${JSON.stringify(ns)} is not the parent's`,
    );
  }
  // Canonical: every child names its namespace, so goldens and apply calls say exactly where it lives.
  return withNamespace(child, scope.namespace);
}

/**
 * Sets `metadata.namespace` on an already sanitized child, keeping sanitize's key order: cheaper than
 * the second full sanitize pass it replaces (issue 9's profile).
 */
function withNamespace(child: Record<string, unknown>, namespace: string | undefined): KubeObject {
  const metadata = child['metadata'] as Record<string, unknown>;
  if (
    namespace === undefined ||
    // Stryker disable next-line StringLiteral: reading metadata[""] (undefined) rewrites a namespace checkChild has already found equal into keys already sorted: no change
    metadata['namespace'] !== undefined
  )
    return child as KubeObject;
  const all: Record<string, unknown> = { ...metadata, namespace };
  child['metadata'] = Object.fromEntries(
    Object.keys(all)
      .sort()
      .map((k) => [k, all[k]]),
  );
  return child as KubeObject;
}

/** Refuses a response that would make Metacontroller delete a data-bearing child. */
function guardDeletions(scope: ResponseScope, desired: ReadonlySet<string>): void {
  const isProtected = scope.isProtected ?? hasProtectedAnnotation;
  for (const [key, objects] of Object.entries(scope.observed)) {
    const dot = key.indexOf('.');
    const kind = key.slice(0, dot);
    for (const obj of Object.values(objects)) {
      // The identity string directly: copying every observed object (managedFields and all) just to
      // name it was a measurable share of each sync (issue 9's profile).
      const id = `${kind} ${obj.metadata.namespace ?? scope.namespace ?? ''}/${obj.metadata.name}`;
      if (!desired.has(id) && isProtected(obj) && !isTerminating(obj)) {
        throw new HookError('ProtectedChildOmitted', `refusing to delete protected child ${id}`);
      }
    }
  }
}

function identity(o: KubeObject): string {
  return `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

function compareChildren(a: KubeObject, b: KubeObject): number {
  if (a.kind !== b.kind) return a.kind < b.kind ? -1 : 1;
  return compareByNamespacedName(a, b);
}

/** A sanitized status object; Metacontroller replaces the whole status with it, so never null. */
export function checkStatus(status: unknown): Record<string, unknown> {
  if (status === undefined) return {};
  const clean = sanitize(status, 'status');
  if (!isObject(clean)) throw new HookError('InvalidResponse', 'status must be an object');
  return clean;
}

/** `resyncAfterSeconds` when positive; omitted (no resync) when absent or zero. */
export function checkResync(value: unknown): { resyncAfterSeconds?: number } {
  if (value === undefined || value === 0) return {};
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new HookError('InvalidResponse', 'resyncAfterSeconds must be a non-negative number');
  }
  return { resyncAfterSeconds: value };
}

/**
 * `finalized` only means something in a finalize call: Metacontroller removes the finalizer whenever
 * it is true, even in a plain sync, and would re-add it on the next sync.
 */
export function checkFinalized(value: unknown, finalizing: boolean): { finalized?: boolean } {
  if (finalizing) return { finalized: value === true };
  return value === undefined ? {} : { finalized: false };
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function nonEmpty(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0;
}
