/**
 * The StatefulSet controller (apps/v1), for what this project relies on:
 * - one pod and one PVC per ordinal; PVC name `<template>-<set>-<ordinal>`, labels = the claim
 *   template's labels + the selector's matchLabels; pods get `controller-revision-hash`,
 *   `statefulset.kubernetes.io/pod-name` and `apps.kubernetes.io/pod-index`;
 * - `podManagementPolicy` OrderedReady (one pod at a time, waiting for readiness) or Parallel;
 * - scale down from the highest ordinal; `persistentVolumeClaimRetentionPolicy`: whenScaled Delete
 *   makes the condemned pod own its claim, whenDeleted Delete makes the set own every claim, so the
 *   garbage collector removes them;
 * - updates: revision = hash of the pod template; RollingUpdate deletes the highest not-updated
 *   ordinal ≥ partition once every pod is ready; OnDelete only uses the new template for pods someone
 *   else deleted, and, like the real controller (kubernetes#73492, #106055), never advances
 *   `status.currentRevision`;
 * - status: observedGeneration, replicas, readyReplicas, currentReplicas, updatedReplicas,
 *   currentRevision, updateRevision.
 */
import { scheduleMember } from './drain';
import { createHash } from 'node:crypto';
import type { KubeObject } from '../../../hooks/lib/k8s';
import { controllerRef } from '../../support/apiserver';
import { refOf } from '../emulator';
import { canonicalJson, clone, isObject, type JsonObject } from '../lib/json';
import { controllerOwner, hasCondition, ordinalOf, specOf, statusOf, type SimContext } from './context';

export const STS_CONTROLLER = 'statefulset-controller';
const REVISION_LABEL = 'controller-revision-hash';

interface ClaimTemplate {
  metadata: { name: string; labels?: Record<string, string> };
  spec: JsonObject;
}

export function revisionOf(sts: KubeObject): string {
  const hash = createHash('sha256')
    .update(canonicalJson(specOf(sts)['template']))
    .digest('hex');
  return `${sts.metadata.name}-${hash.slice(0, 10)}`;
}

export class StatefulSetController {
  /** Pod templates by revision name (the real controller keeps them in ControllerRevisions). */
  private readonly revisions = new Map<string, JsonObject>();

  private readonly ctx: SimContext;

  constructor(ctx: SimContext) {
    this.ctx = ctx;
  }

  tick(): void {
    for (const sts of this.ctx.store.list('StatefulSet')) {
      if (sts.metadata.deletionTimestamp === undefined) this.reconcile(sts);
    }
  }

  private pods(sts: KubeObject): Map<number, KubeObject> {
    const pods = this.ctx.store
      .list('Pod', sts.metadata.namespace ?? '')
      .filter((p) => controllerOwner(p)?.uid === sts.metadata.uid);
    return new Map(pods.map((p) => [ordinalOf(p.metadata.name), p]));
  }

  private reconcile(sts: KubeObject): void {
    const spec = specOf(sts);
    const update = revisionOf(sts);
    this.revisions.set(update, clone(spec['template'] as JsonObject));
    const current = (statusOf(sts)['currentRevision'] as string | undefined) ?? update;
    const replicas = Number(spec['replicas'] ?? 1);
    const parallel = spec['podManagementPolicy'] === 'Parallel';
    this.reconcileClaimOwners(sts, replicas);
    const pods = this.pods(sts);
    for (let i = 0; i < replicas; i++) {
      if (pods.has(i)) continue;
      if (!parallel && !this.lowerReady(pods, i)) break;
      this.createMember(sts, i, this.revisionFor({ sts, ordinal: i, current, update }));
      if (!parallel) break;
    }
    this.condemn(this.pods(sts), { replicas, parallel });
    this.rollingUpdate(sts, this.pods(sts), { replicas, update });
    this.writeStatus(sts, { current, update, replicas });
  }

  private lowerReady(pods: Map<number, KubeObject>, ordinal: number): boolean {
    for (let i = 0; i < ordinal; i++) {
      const p = pods.get(i);
      if (!p || p.metadata.deletionTimestamp !== undefined || !hasCondition(p, 'Ready')) return false;
    }
    return true;
  }

  private strategy(sts: KubeObject): { type: string; partition: number } {
    const s = (specOf(sts)['updateStrategy'] ?? {}) as {
      type?: string;
      rollingUpdate?: { partition?: number };
    };
    return { type: s.type ?? 'RollingUpdate', partition: s.rollingUpdate?.partition ?? 0 };
  }

  /** Below a RollingUpdate partition, a recreated pod keeps the current revision. */
  private revisionFor(o: { sts: KubeObject; ordinal: number; current: string; update: string }): string {
    const s = this.strategy(o.sts);
    if (s.type === 'RollingUpdate' && o.ordinal < s.partition && this.revisions.has(o.current))
      return o.current;
    return o.update;
  }

  private claimTemplates(sts: KubeObject): ClaimTemplate[] {
    const list = specOf(sts)['volumeClaimTemplates'];
    return Array.isArray(list) ? (list as ClaimTemplate[]) : [];
  }

  private claimName(t: ClaimTemplate, sts: KubeObject, ordinal: number): string {
    return `${t.metadata.name}-${sts.metadata.name}-${ordinal}`;
  }

  private createMember(sts: KubeObject, ordinal: number, revision: string): void {
    const ns = sts.metadata.namespace ?? '';
    const selector = (specOf(sts)['selector'] as { matchLabels?: Record<string, string> } | undefined)
      ?.matchLabels;
    const claimRefs = this.claimTemplates(sts).map((t) => ({
      kind: 'PersistentVolumeClaim',
      namespace: ns,
      name: this.claimName(t, sts, ordinal),
    }));
    // A claim still being deleted (pvc-protection) is waited for: a pod could not mount it.
    if (claimRefs.some((r) => this.ctx.store.get(r)?.metadata.deletionTimestamp !== undefined)) return;
    for (const t of this.claimTemplates(sts)) {
      const name = this.claimName(t, sts, ordinal);
      if (this.ctx.store.get({ kind: 'PersistentVolumeClaim', namespace: ns, name })) continue;
      const spec = t.spec;
      this.ctx.store.create(
        {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: { name, namespace: ns, labels: { ...t.metadata.labels, ...selector } },
          spec: clone(spec),
        },
        STS_CONTROLLER,
      );
    }
    this.ctx.store.create(this.podFor(sts, ordinal, revision), STS_CONTROLLER);
    this.ctx.trace(`statefulset: created ${sts.metadata.name}-${ordinal} at ${revision}`);
  }

  private podFor(sts: KubeObject, ordinal: number, revision: string): KubeObject {
    const template = clone(this.revisions.get(revision) ?? (specOf(sts)['template'] as JsonObject));
    const meta = (template['metadata'] ?? {}) as {
      labels?: Record<string, string>;
      annotations?: Record<string, string>;
    };
    const podSpec = (template['spec'] ?? {}) as JsonObject;
    const name = `${sts.metadata.name}-${ordinal}`;
    const claims = this.claimTemplates(sts).map((t) => ({
      name: t.metadata.name,
      persistentVolumeClaim: { claimName: this.claimName(t, sts, ordinal) },
    }));
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        namespace: sts.metadata.namespace ?? '',
        labels: {
          ...meta.labels,
          [REVISION_LABEL]: revision,
          'statefulset.kubernetes.io/pod-name': name,
          'apps.kubernetes.io/pod-index': String(ordinal),
        },
        ...(meta.annotations ? { annotations: meta.annotations } : {}),
        ownerReferences: [controllerRef(sts)],
      },
      spec: {
        ...podSpec,
        hostname: name,
        subdomain: specOf(sts)['serviceName'],
        nodeName: scheduleMember(this.ctx, ordinal),
        volumes: [...((podSpec['volumes'] as unknown[] | undefined) ?? []), ...claims],
      },
      status: { phase: 'Pending' },
    };
  }

  /** Scale down: highest ordinal first; one at a time unless Parallel. */
  private condemn(pods: Map<number, KubeObject>, o: { replicas: number; parallel: boolean }): void {
    const excess = [...pods.keys()].filter((i) => i >= o.replicas).sort((a, b) => b - a);
    const terminating = [...pods.values()].some((p) => p.metadata.deletionTimestamp !== undefined);
    for (const ordinal of excess) {
      const pod = pods.get(ordinal);
      if (!pod || pod.metadata.deletionTimestamp !== undefined) continue;
      if (!o.parallel && terminating) return;
      this.ctx.store.delete(refOf(pod), { actor: STS_CONTROLLER, uid: pod.metadata.uid ?? '' });
      this.ctx.trace(`statefulset: scaled down, deleted ${pod.metadata.name}`);
      if (!o.parallel) return;
    }
  }

  /** RollingUpdate: once every pod is ready, delete the highest ordinal ≥ partition not yet updated. */
  private rollingUpdate(
    sts: KubeObject,
    pods: Map<number, KubeObject>,
    o: { replicas: number; update: string },
  ): void {
    const s = this.strategy(sts);
    if (s.type !== 'RollingUpdate') return;
    const live = [...pods.values()];
    if (
      live.length < o.replicas ||
      live.some((p) => p.metadata.deletionTimestamp !== undefined || !hasCondition(p, 'Ready'))
    ) {
      return;
    }
    const stale = [...pods.entries()]
      .filter(
        ([i, p]) => i >= s.partition && i < o.replicas && p.metadata.labels?.[REVISION_LABEL] !== o.update,
      )
      .sort(([a], [b]) => b - a)[0];
    if (!stale) return;
    const [, pod] = stale;
    this.ctx.store.delete(refOf(pod), { actor: STS_CONTROLLER, uid: pod.metadata.uid ?? '' });
    this.ctx.trace(`statefulset: rolling update, deleted ${pod.metadata.name}`);
  }

  /** PVC owner references follow the retention policy (the controller reconciles them each pass). */
  private reconcileClaimOwners(sts: KubeObject, replicas: number): void {
    const policy = (specOf(sts)['persistentVolumeClaimRetentionPolicy'] ?? {}) as Record<string, string>;
    const ns = sts.metadata.namespace ?? '';
    const pods = this.pods(sts);
    for (const pvc of this.ctx.store.list('PersistentVolumeClaim', ns)) {
      const ordinal = this.claimOrdinal(sts, pvc.metadata.name);
      if (ordinal === undefined || pvc.metadata.deletionTimestamp !== undefined) continue;
      const condemnedPod = ordinal >= replicas ? pods.get(ordinal) : undefined;
      // A condemned claim under whenScaled Delete belongs to its pod alone; others to the set if whenDeleted Delete.
      const byPod = policy['whenScaled'] === 'Delete' && condemnedPod !== undefined;
      const owners = byPod
        ? [ownerFor(condemnedPod)]
        : policy['whenDeleted'] === 'Delete'
          ? [ownerFor(sts)]
          : [];
      const kept = (pvc.metadata.ownerReferences ?? []).filter(
        (r) => r.uid !== sts.metadata.uid && r.kind !== 'Pod',
      );
      // A claim whose pod is gone stays with the pod's reference until the garbage collector acts.
      const podRefs = (pvc.metadata.ownerReferences ?? []).filter((r) => r.kind === 'Pod' && !condemnedPod);
      const next = [...kept, ...podRefs, ...owners];
      if (JSON.stringify(next) !== JSON.stringify(pvc.metadata.ownerReferences ?? [])) {
        pvc.metadata.ownerReferences = next;
        if (next.length === 0) delete pvc.metadata.ownerReferences;
        this.ctx.store.update(pvc, STS_CONTROLLER);
      }
    }
  }

  private claimOrdinal(sts: KubeObject, pvcName: string): number | undefined {
    for (const t of this.claimTemplates(sts)) {
      const prefix = `${t.metadata.name}-${sts.metadata.name}-`;
      if (pvcName.startsWith(prefix) && /^\d+$/.test(pvcName.slice(prefix.length))) {
        return Number(pvcName.slice(prefix.length));
      }
    }
    return undefined;
  }

  private writeStatus(sts: KubeObject, o: { current: string; update: string; replicas: number }): void {
    const pods = [...this.pods(sts).values()];
    // Terminating pods count in replicas but in neither revision count (the controller's
    // computeReplicaStatus, pkg/controller/statefulset/stateful_set_control.go).
    const at = (rev: string): number =>
      pods.filter(
        (p) => p.metadata.deletionTimestamp === undefined && p.metadata.labels?.[REVISION_LABEL] === rev,
      ).length;
    const ready = pods.filter((p) => hasCondition(p, 'Ready')).length;
    let current = o.current;
    const s = this.strategy(sts);
    // Only a RollingUpdate completes a rollout in status (kubernetes#106055 for OnDelete).
    if (
      s.type === 'RollingUpdate' &&
      at(o.update) === pods.length &&
      ready === pods.length &&
      pods.length === o.replicas
    ) {
      current = o.update;
    }
    const status: JsonObject = {
      observedGeneration: sts.metadata.generation ?? 1,
      replicas: pods.length,
      readyReplicas: ready,
      availableReplicas: ready,
      currentReplicas: at(current),
      updatedReplicas: at(o.update),
      currentRevision: current,
      updateRevision: o.update,
      collisionCount: 0,
    };
    const live = this.ctx.store.get(refOf(sts));
    if (live && isObject(live)) this.ctx.store.updateStatus({ ...live, status }, STS_CONTROLLER);
  }
}

function ownerFor(o: KubeObject): NonNullable<KubeObject['metadata']['ownerReferences']>[number] {
  return { apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, uid: o.metadata.uid ?? '' };
}
