/**
 * The volume controllers: a new claim binds on the next pass (dynamic provisioning); a claim whose
 * request grew (the API server only accepts the growth when the StorageClass allows expansion, see
 * apiserver-rules.ts) is expanded in stages, as Kubernetes docs
 * `content/en/docs/concepts/storage/persistent-volumes.md` ("Expanding Persistent Volumes Claims",
 * "Resizing an in-use PersistentVolumeClaim", "Recovering from Failure when Expanding Volumes") and
 * the PVC API (`PersistentVolumeClaimConditionType`, `ClaimResourceStatus` in core/v1 types.go) describe:
 * 1. the resizer takes the request: condition `Resizing`, `allocatedResources` = the request,
 *    `allocatedResourceStatuses.storage` = `ControllerResizeInProgress`;
 * 2. the storage back end grows the volume: `FileSystemResizePending`, `NodeResizePending`;
 * 3. the kubelet grows the file system once a running pod mounts the claim (online expansion): only
 *    then does `status.capacity` follow, and the conditions go.
 * Scenarios can make expansions fail (`failExpansion`): at the controller, `ControllerResizeError`
 * with the back end's message and `ControllerResizeInfeasible`; at the node, `NodeResizeError` and
 * `NodeResizeInfeasible`. Capacity stays; the resizer retries on every pass until the failure is
 * lifted, then the expansion goes on.
 *
 * The pvc-protection controller: a deleted claim keeps its `kubernetes.io/pvc-protection` finalizer
 * (put there on creation, ../lib/apiserver-rules.ts) while a pod that is not terminal uses it; docs
 * `persistent-volumes.md`, "Storage Object in Use Protection".
 */
import type { KubeObject } from '../../../hooks/lib/k8s';
import { PVC_PROTECTION } from '../lib/apiserver-rules';
import type { JsonObject } from '../lib/json';
import { nodeOf } from './kubelet';
import { conditionsOf, hasCondition, specOf, statusOf, type Condition, type SimContext } from './context';

export const VOLUME_CONTROLLER = 'persistentvolume-controller';
export const RESIZER = 'external-resizer';
export const PVC_PROTECTION_CONTROLLER = 'pvc-protection-controller';

export type ExpansionStage = 'controller' | 'node';

const RESIZE_CONDITIONS = ['Resizing', 'FileSystemResizePending', 'ControllerResizeError', 'NodeResizeError'];

const requestOf = (pvc: KubeObject): string | undefined =>
  (specOf(pvc)['resources'] as { requests?: { storage?: string } } | undefined)?.requests?.storage;
const capacityOf = (pvc: KubeObject): string | undefined =>
  (statusOf(pvc)['capacity'] as { storage?: string } | undefined)?.storage;

export class VolumeControllers {
  /** Claim names whose expansion fails, with the stage and the back end's message. */
  private readonly failures = new Map<string, { stage: ExpansionStage; message: string }>();

  private readonly ctx: SimContext;

  constructor(ctx: SimContext) {
    this.ctx = ctx;
  }

  /** The expansion of `claim` fails at `stage` until `recoverExpansion`. */
  failExpansion(claim: string, stage: ExpansionStage, message: string): void {
    this.failures.set(claim, { stage, message });
  }

  recoverExpansion(claim: string): void {
    this.failures.delete(claim);
  }

  tick(): void {
    for (const pvc of this.ctx.store.list('PersistentVolumeClaim')) {
      if (pvc.metadata.deletionTimestamp !== undefined) {
        this.release(pvc);
        continue;
      }
      if (statusOf(pvc)['phase'] !== 'Bound') this.bind(pvc);
      else if (requestOf(pvc) !== undefined && requestOf(pvc) !== capacityOf(pvc)) this.expand(pvc);
    }
  }

  private bind(pvc: KubeObject): void {
    pvc['spec'] = { ...specOf(pvc), volumeName: `pvc-${(pvc.metadata.uid ?? '').slice(0, 8)}` };
    const bound = this.ctx.store.update(pvc, VOLUME_CONTROLLER);
    this.ctx.store.updateStatus(
      {
        ...bound,
        status: { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: requestOf(pvc) } },
      },
      VOLUME_CONTROLLER,
    );
  }

  /** One stage of the expansion per pass. */
  private expand(pvc: KubeObject): void {
    const requested = requestOf(pvc) ?? '';
    const failure = this.failures.get(pvc.metadata.name);
    if (hasCondition(pvc, 'FileSystemResizePending') || hasCondition(pvc, 'NodeResizeError')) {
      if (!this.mounted(pvc)) return;
      if (failure?.stage === 'node') {
        this.write(pvc, { type: 'NodeResizeError', message: failure.message, state: 'NodeResizeInfeasible' });
        return;
      }
      this.write(pvc, { capacity: requested });
      this.ctx.trace(`volumes: ${pvc.metadata.name} expanded to ${requested}`);
    } else if (hasCondition(pvc, 'Resizing') || hasCondition(pvc, 'ControllerResizeError')) {
      if (failure?.stage === 'controller') {
        this.write(pvc, {
          type: 'ControllerResizeError',
          message: failure.message,
          state: 'ControllerResizeInfeasible',
        });
        return;
      }
      this.write(pvc, {
        type: 'FileSystemResizePending',
        message: 'Waiting for user to (re-)start a pod to finish file system resize of volume on node.',
        state: 'NodeResizePending',
      });
    } else {
      this.write(pvc, { type: 'Resizing', message: '', state: 'ControllerResizeInProgress' });
    }
  }

  /** A deleted claim no pod uses any more loses its protection finalizer, and so goes. */
  private release(pvc: KubeObject): void {
    const finalizers = pvc.metadata.finalizers ?? [];
    if (!finalizers.includes(PVC_PROTECTION)) return;
    const inUse = this.ctx.store
      .list('Pod', pvc.metadata.namespace ?? '')
      .some(
        (pod) => !['Succeeded', 'Failed'].includes(String(statusOf(pod)['phase'])) && usesClaim(pod, pvc),
      );
    if (inUse) return;
    const rest = finalizers.filter((f) => f !== PVC_PROTECTION);
    this.ctx.store.update(
      { ...pvc, metadata: { ...pvc.metadata, finalizers: rest } },
      PVC_PROTECTION_CONTROLLER,
    );
    this.ctx.trace(`volumes: ${pvc.metadata.name} no longer in use, removed`);
  }

  /** A running pod on a reachable node mounts the claim (the kubelet grows the file system there). */
  private mounted(pvc: KubeObject): boolean {
    return this.ctx.store
      .list('Pod', pvc.metadata.namespace ?? '')
      .some(
        (pod) =>
          statusOf(pod)['phase'] === 'Running' &&
          pod.metadata.deletionTimestamp === undefined &&
          !this.ctx.lostNodes.has(nodeOf(pod)) &&
          usesClaim(pod, pvc),
      );
  }

  /** The claim's next stage: one resize condition and status, or the new capacity and none. */
  private write(
    pvc: KubeObject,
    o: { type: string; message: string; state: string } | { capacity: string },
  ): void {
    const now = this.ctx.clock.iso();
    const kept = conditionsOf(pvc).filter((c) => !RESIZE_CONDITIONS.includes(c.type));
    const status: JsonObject = { ...statusOf(pvc), conditions: kept };
    if ('capacity' in o) {
      status['capacity'] = { storage: o.capacity };
      delete status['allocatedResourceStatuses'];
    } else {
      const old = conditionsOf(pvc).find((c) => c.type === o.type);
      const c: Condition = {
        type: o.type,
        status: 'True',
        ...(o.message === '' ? {} : { message: o.message }),
        lastProbeTime: now,
        lastTransitionTime: old?.['lastTransitionTime'] ?? now,
      };
      status['conditions'] = [...kept, c];
      status['allocatedResources'] = { storage: requestOf(pvc) };
      status['allocatedResourceStatuses'] = { storage: o.state };
    }
    if ((status['conditions'] as unknown[]).length === 0) delete status['conditions'];
    if (old(pvc, status)) return;
    this.ctx.store.updateStatus({ ...pvc, status }, RESIZER);
  }
}

function usesClaim(pod: KubeObject, pvc: KubeObject): boolean {
  const volumes = (specOf(pod)['volumes'] ?? []) as { persistentVolumeClaim?: { claimName: string } }[];
  return volumes.some((v) => v.persistentVolumeClaim?.claimName === pvc.metadata.name);
}

/** The status would not change but for the probe time (a retry that fails the same way). */
function old(pvc: KubeObject, status: JsonObject): boolean {
  const strip = (s: JsonObject) =>
    JSON.stringify({
      ...s,
      conditions: ((s['conditions'] ?? []) as Condition[]).map(({ lastProbeTime: _p, ...c }) => c),
    });
  return strip(statusOf(pvc)) === strip(status);
}
