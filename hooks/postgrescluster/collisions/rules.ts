/**
 * Customize rules that make the names of a cluster's children visible before they exist (issue 13).
 *
 * Metacontroller runs with server-side apply: a desired child that is not observed is written with a
 * forced apply patch, which overwrites and adopts any existing object of that name (pkg/controller/
 * common/manage_children.go `ServerSideApply.Apply` in v4.17.2). To refuse instead, the sync hook must
 * see every object that holds one of our names, so the customize hook asks for them by name, per
 * child type. The rules depend on the parent only (Metacontroller caches them per generation): the
 * names come from rendering the parent's own spec, plus the names every cluster has, plus the
 * accounts of every day-2 operation. Jobs are left out: their names end in a hash of what they run.
 * A rule is emitted only with at least one name: `names: []` would select every object of the type.
 */
import type { HookContext } from '../../lib/context.js';
import type { KubeObject } from '../../lib/k8s.js';
import type { RelatedResourceRule } from '../../metacontroller/types.js';
import { clusterNames, operationName, type Operation } from '../names.js';
import { CHILD_TYPES, renderChildren } from '../render.js';
import { canonicalSpecJson, checkParsedSpec } from '../spec/index.js';

/** Every day-2 operation (a Record, so a new Operation that is not listed fails to compile). */
const OPERATIONS: Record<Operation, true> = {
  params: true,
  switchover: true,
  rollout: true,
  resize: true,
  cleanup: true,
  rotate: true,
};

/** Kinds whose names a user or another tool may plausibly hold already. */
const NAMED_KINDS = CHILD_TYPES.filter((t) => t.kind !== 'Job');

/** Names every cluster has, whatever its spec says. */
function baseNames(parent: KubeObject): Record<string, string[]> {
  const n = clusterNames(parent.metadata);
  const ops = (Object.keys(OPERATIONS) as Operation[]).map((op) => operationName(parent.metadata, op));
  return {
    StatefulSet: [n.statefulSet],
    Service: [n.primaryService, n.replicaService, n.headlessService],
    Secret: Object.values(n.secrets),
    ServiceAccount: [n.serviceAccount, ...ops],
    Role: [n.role, ...ops],
    RoleBinding: [n.roleBinding, ...ops],
    PodDisruptionBudget: [n.pdb, n.primaryPdb],
  };
}

/** Names of what the parent's own spec renders (none when the spec is invalid). */
function renderedNames(parent: KubeObject, ctx: HookContext): KubeObject[] {
  const check = checkParsedSpec(parent);
  if (!check.ok) return [];
  return renderChildren(check.resolved, {
    operatorKey: ctx.operatorKey,
    observedSecrets: {},
    specJson: canonicalSpecJson(check.spec),
  });
}

/** One `names` rule per child type that has names, in the parent's namespace. */
export function collisionRules(parent: KubeObject, ctx: HookContext): RelatedResourceRule[] {
  const namespace = parent.metadata.namespace ?? 'default';
  const byKind = baseNames(parent);
  for (const child of renderedNames(parent, ctx)) (byKind[child.kind] ??= []).push(child.metadata.name);
  return NAMED_KINDS.flatMap((t) => {
    const names = [...new Set(byKind[t.kind] ?? [])].sort();
    return names.length === 0 ? [] : [{ apiVersion: t.apiVersion, resource: t.resource, namespace, names }];
  });
}
