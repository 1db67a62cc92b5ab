/**
 * Name collisions (issue 13): a desired child whose name is already held by an object this cluster
 * does not control. With server-side apply, Metacontroller would force our fields over that object,
 * make it our child and delete it with the cluster (rules.ts says where upstream does that), so such
 * a child is never returned and the conflict is reported as `Ready=False`, reason `NameConflict`.
 *
 * What the answer holds when a name collides: every observed child, as rendered (a 200 answer is the
 * complete desired set, and leaving an observed child out would delete it; observed children are
 * ours, so they cannot collide), and no child that is not observed yet, the colliding ones and the
 * others alike. A new cluster therefore creates nothing until the name is free: half a cluster
 * (Secrets and a StatefulSet without its primary Service, say) would start members whose clients
 * and Patroni's leader lock expect objects that are not there, and the user's fix (delete or
 * rename their object, or pick another cluster name) would then race against running members. An
 * existing cluster keeps running and keeps its children up to date; only what is new waits.
 *
 * One exception: an ownerless object pgmeta labelled for a cluster of this very name is that
 * cluster's orphan (left by `kubectl delete --cascade=orphan`), which a new cluster of the name takes
 * over by design (orphans.ts, docs/day2.md "Deleting a cluster").
 */
import type { ConditionInput } from '../../lib/conditions.js';
import type { KubeObject } from '../../lib/k8s.js';
import { getObject } from '../../metacontroller/children.js';
import type { SyncRequest } from '../../metacontroller/types.js';
import { LABELS } from '../names.js';
import { isOwnOrphan } from '../orphans.js';

export { collisionRules } from './rules.js';

/** An object that holds the name of a child this cluster wants to create. */
export interface NameConflict {
  kind: string;
  name: string;
  /** `Kind/name` of its controller, or `no owner`, plus who manages it when its labels say. */
  owner: string;
}

function ownerOf(obj: KubeObject): string {
  const ref = (obj.metadata.ownerReferences ?? []).find((r) => r.controller === true);
  const owner = ref ? `${ref.kind}/${ref.name}` : 'no owner';
  const manager = obj.metadata.labels?.[LABELS.managedBy];
  return manager === undefined ? owner : `${owner}, managed by ${manager}`;
}

/** Desired children that are not observed and whose name an object we do not control holds. */
export function findConflicts(req: SyncRequest, desired: readonly KubeObject[]): NameConflict[] {
  const uid = req.parent.metadata.uid;
  const namespace = req.parent.metadata.namespace;
  const ns = namespace === undefined ? {} : { namespace };
  const out: NameConflict[] = [];
  for (const child of desired) {
    const id = { name: child.metadata.name, ...ns };
    if (getObject(req.children, child, id)) continue;
    const holder = getObject(req.related, child, id);
    if (!holder) continue;
    const ours = (holder.metadata.ownerReferences ?? []).some((r) => r.controller === true && r.uid === uid);
    // The orphans of a cluster of this name are taken over, not refused (orphans.ts).
    if (!ours && !isOwnOrphan(req.parent, holder))
      out.push({ kind: child.kind, name: child.metadata.name, owner: ownerOf(holder) });
  }
  return out.sort((a, b) => `${a.kind}/${a.name}`.localeCompare(`${b.kind}/${b.name}`));
}

/** With a conflict, only the observed children (see the module comment); otherwise all of them. */
export function holdNewChildren(
  req: SyncRequest,
  desired: KubeObject[],
  conflicts: readonly NameConflict[],
): KubeObject[] {
  if (conflicts.length === 0) return desired;
  const namespace = req.parent.metadata.namespace;
  const ns = namespace === undefined ? {} : { namespace };
  return desired.filter((c) => getObject(req.children, c, { name: c.metadata.name, ...ns }) !== undefined);
}

/** The Ready condition while a name collides: which objects, and who holds them. */
export function nameConflictCondition(conflicts: readonly NameConflict[]): ConditionInput {
  const list = conflicts.map((c) => `${c.kind}/${c.name} (${c.owner})`).join(', ');
  return {
    type: 'Ready',
    status: 'False',
    reason: 'NameConflict',
    message:
      `these objects already exist and do not belong to this cluster, so nothing new is created: ${list}. ` +
      'Delete or rename them, or use another cluster name.',
  };
}
