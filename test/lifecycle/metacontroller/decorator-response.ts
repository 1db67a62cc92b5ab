/**
 * A DecoratorController's sync answer as Metacontroller v4.17.2 reads it
 * (pkg/controller/decorator/api/v2/hooks.go `DecoratorHookResponse`, decoded strictly in v2 by
 * pkg/hooks/webhook.go `webhookExecutor.Call`), and the parent writes it leads to
 * (pkg/controller/decorator/controller.go `syncParentObject`, `updateStringMap`).
 */
import type { KubeObject } from '../../../hooks/lib/k8s';
import type { HookAnswer } from '../lib/hook-server';
import { deepEqual, isObject, type JsonObject } from '../lib/json';
import { resourceInfo } from '../lib/resources';
import type { DecoratorController, ObjectMap } from './model';

export interface DecoratorAnswer {
  labels: Record<string, string | null>;
  annotations: Record<string, string | null>;
  /** undefined for a missing or null `status`: the parent's status is left as it is. */
  status?: JsonObject;
  attachments: KubeObject[];
  resyncAfterSeconds?: number;
  finalized: boolean;
}

const KEYS = new Set(['labels', 'annotations', 'status', 'attachments', 'resyncAfterSeconds', 'finalized']);

/** A non-200, a body that is not an object, or an unknown key (strict v2) fails the call. */
export function decodeDecoratorAnswer(answer: HookAnswer): DecoratorAnswer | string {
  if (answer.status !== 200) return `hook answered ${answer.status}`;
  const body = answer.body;
  if (!isObject(body)) return 'hook answered 200 without a JSON object';
  const unknown = Object.keys(body).filter((k) => !KEYS.has(k));
  if (unknown.length > 0) return `strict decoding: unknown response keys ${unknown.join(', ')}`;
  const attachments = body['attachments'] ?? [];
  if (!Array.isArray(attachments)) return 'attachments is not a list';
  const status = body['status'];
  if (status !== undefined && status !== null && !isObject(status)) return 'status is not an object';
  const resync = body['resyncAfterSeconds'];
  return {
    labels: (body['labels'] ?? {}) as Record<string, string | null>,
    annotations: (body['annotations'] ?? {}) as Record<string, string | null>,
    ...(isObject(status) ? { status } : {}),
    attachments: attachments as KubeObject[],
    ...(typeof resync === 'number' ? { resyncAfterSeconds: resync } : {}),
    finalized: body['finalized'] === true,
  };
}

/** `updateStringMap`: null deletes a key, a string sets it; the result and whether it changed. */
export function updateStringMap(
  current: Record<string, string>,
  updates: Record<string, string | null>,
): { next: Record<string, string>; changed: boolean } {
  const next = new Map(Object.entries(current));
  let changed = false;
  for (const [k, v] of Object.entries(updates)) {
    if (v === null) changed = next.delete(k) || changed;
    else if (next.get(k) !== v) {
      next.set(k, v);
      changed = true;
    }
  }
  return { next: Object.fromEntries(next), changed };
}

/**
 * `syncParentObject`: the parent as the answer wants it (labels, annotations, the whole status
 * replaced unless the answer's is null), and whether a status and a metadata write are due.
 */
export function desiredParent(
  parent: KubeObject,
  a: DecoratorAnswer,
  finalizer: string,
): { next: KubeObject; statusChanged: boolean; write: boolean } {
  const { next: labels, changed: labelsChanged } = updateStringMap(parent.metadata.labels ?? {}, a.labels);
  const { next: annotations, changed: annotationsChanged } = updateStringMap(
    parent.metadata.annotations ?? {},
    a.annotations,
  );
  const status = a.status ?? (parent['status'] as JsonObject | undefined);
  const statusChanged = !deepEqual(parent['status'], status);
  const holds = (parent.metadata.finalizers ?? []).includes(finalizer);
  const finalizers = (parent.metadata.finalizers ?? []).filter((f) => !a.finalized || f !== finalizer);
  const next: KubeObject = {
    ...parent,
    metadata: { ...parent.metadata, labels, annotations, finalizers },
    ...(status === undefined ? {} : { status }),
  };
  const write = labelsChanged || annotationsChanged || statusChanged || (a.finalized && holds);
  return { next, statusChanged, write };
}

/** The request's `attachments`: one entry per attachment type, even when empty, keyed `<ns>/<name>`. */
export function attachmentMap(dc: DecoratorController, observed: KubeObject[]): ObjectMap {
  const map: ObjectMap = {};
  for (const rule of dc.spec.attachments) {
    const { kind } = resourceInfo(rule.resource);
    map[`${kind}.${rule.apiVersion}`] = Object.fromEntries(
      observed
        .filter((c) => c.kind === kind)
        .map((c) => [`${c.metadata.namespace ?? ''}/${c.metadata.name}`, c]),
    );
  }
  return map;
}
