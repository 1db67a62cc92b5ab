/**
 * The kubelets and the node lifecycle controller: pods start once scheduled, their volumes bound and
 * every Secret and ConfigMap key their environment names present (otherwise the container waits in
 * CreateContainerConfigError, retried on every pass, as the kubelet does), readiness follows the readiness probe (Patroni's /readiness for database pods), crashed
 * containers restart after a back-off, deleted pods are gone after their grace period. Pods on a
 * lost node turn unready and can neither be updated nor removed until the node returns.
 */
import type { KubeObject } from '../../../hooks/lib/k8s';
import { refOf } from '../emulator';
import { clone } from '../lib/json';
import { conditionsOf, setCondition, specOf, statusOf, type Condition, type SimContext } from './context';
import { endPod, SIGTERM_EXIT } from './job-pods';

export const KUBELET = 'kubelet';
/** Seconds a deleted pod's containers take to stop (a fast PostgreSQL shutdown). */
export const SHUTDOWN_SECONDS = 20;

export function nodeOf(pod: KubeObject): string {
  const node = specOf(pod)['nodeName'];
  return typeof node === 'string' ? node : '';
}

/** A probe the kubelet asks about a running container: ready or not, undefined when it has none. */
export type ReadinessProbe = (pod: KubeObject) => boolean | undefined;

interface KeyRef {
  name: string;
  key: string;
  optional?: boolean;
}

interface EnvSource {
  valueFrom?: { secretKeyRef?: KeyRef; configMapKeyRef?: KeyRef };
}

interface ContainerState {
  crashed: boolean;
  /** The crash is in the pod's status (Ready False, CrashLoopBackOff): the next pass restarts it. */
  reported: boolean;
  restartCount: number;
  /** When the crash-loop back-off of a restarting container ends (none: on the next pass). */
  restartAt?: number;
}

/** What a container printed, for the log tail of one killed at the end of its grace period. */
export type ContainerLog = (pod: KubeObject) => readonly string[];

export class Kubelets {
  private readonly containers = new Map<string, ContainerState>();
  private ipSeq = 10;

  private readonly ctx: SimContext;
  private readonly readiness: ReadinessProbe;
  private readonly logOf: ContainerLog;

  constructor(ctx: SimContext, readiness: ReadinessProbe, logOf: ContainerLog = () => []) {
    this.ctx = ctx;
    this.readiness = readiness;
    this.logOf = logOf;
  }

  /** Identity of the running process: changes when the container restarts. */
  processId(pod: KubeObject): string {
    return `${pod.metadata.uid ?? ''}#${this.state(pod).restartCount}`;
  }

  /** The container runs: scheduled, started, not crashed, not being deleted, node reachable. */
  running(pod: KubeObject): boolean {
    return (
      statusOf(pod)['phase'] === 'Running' &&
      pod.metadata.deletionTimestamp === undefined &&
      !this.state(pod).crashed &&
      !this.nodeLost(pod)
    );
  }

  nodeLost(pod: KubeObject): boolean {
    return this.ctx.lostNodes.has(nodeOf(pod));
  }

  /**
   * The main container dies (OOM kill, segfault, a failed program under `restartPolicy: OnFailure`);
   * it restarts on a later pass, not before `restartAt` when given (the crash-loop back-off).
   */
  crash(pod: KubeObject, restartAt?: number): void {
    if (statusOf(pod)['phase'] !== 'Running' || pod.metadata.deletionTimestamp !== undefined) {
      this.ctx.trace(`kubelet: ${pod.metadata.name} runs no container to kill`);
      return;
    }
    const s = this.state(pod);
    s.crashed = true;
    if (restartAt === undefined) delete s.restartAt;
    else s.restartAt = restartAt;
    this.ctx.trace(`kubelet: container of ${pod.metadata.name} crashed`);
  }

  private state(pod: KubeObject): ContainerState {
    const uid = pod.metadata.uid ?? '';
    let s = this.containers.get(uid);
    if (!s) {
      s = { crashed: false, reported: false, restartCount: 0 };
      this.containers.set(uid, s);
    }
    return s;
  }

  tick(): void {
    for (const pod of this.ctx.store.list('Pod')) {
      if (this.nodeLost(pod)) {
        this.markUnready(pod);
        continue;
      }
      if (pod.metadata.deletionTimestamp !== undefined) {
        this.terminate(pod);
        continue;
      }
      const phase = statusOf(pod)['phase'];
      if (phase === 'Pending') this.start(pod);
      else if (phase === 'Running') this.probe(pod);
    }
  }

  /**
   * A deleted pod stays Terminating while its containers stop (Patroni shuts PostgreSQL down), at most
   * its grace period: Kubernetes docs, content/en/docs/concepts/workloads/pods/pod-lifecycle.md,
   * "Termination of Pods". Unready from the first pass, gone after SHUTDOWN_SECONDS.
   */
  private terminate(pod: KubeObject): void {
    if (this.ctx.clock.now < this.removalTime(pod)) {
      this.markUnready(pod, KUBELET);
      return;
    }
    // A pod with finalizers (the Job controller's tracking one) ends in a terminal phase and stays
    // until they are gone; a container still running at the end of the grace period was killed.
    if ((pod.metadata.finalizers ?? []).length > 0) {
      if (!['Succeeded', 'Failed'].includes(String(statusOf(pod)['phase']))) {
        endPod(this.ctx, pod, { exitCode: SIGTERM_EXIT, log: this.logOf(pod) });
      }
      return;
    }
    this.ctx.store.remove(refOf(pod), KUBELET);
    this.containers.delete(pod.metadata.uid ?? '');
  }

  private removalTime(pod: KubeObject): number {
    const since =
      (Date.parse(pod.metadata.deletionTimestamp ?? '') - Date.parse(this.ctx.clock.iso(0))) / 1000;
    const grace = Number(pod.metadata['deletionGracePeriodSeconds'] ?? SHUTDOWN_SECONDS);
    return since + Math.min(grace, SHUTDOWN_SECONDS);
  }

  /** When the next terminating pod goes away or the next crash-looping container restarts, if any. */
  nextTimer(): number | undefined {
    const times = this.ctx.store
      .list('Pod')
      .filter((p) => p.metadata.deletionTimestamp !== undefined && !this.nodeLost(p))
      .map((p) => this.removalTime(p));
    for (const s of this.containers.values())
      if (s.crashed && s.restartAt !== undefined) times.push(s.restartAt);
    return times.length > 0 ? Math.min(...times) : undefined;
  }

  private volumesBound(pod: KubeObject): boolean {
    const volumes = (specOf(pod)['volumes'] ?? []) as { persistentVolumeClaim?: { claimName: string } }[];
    return volumes.every((v) => {
      if (!v.persistentVolumeClaim) return true;
      const pvc = this.ctx.store.get({
        kind: 'PersistentVolumeClaim',
        namespace: pod.metadata.namespace ?? '',
        name: v.persistentVolumeClaim.claimName,
      });
      // A claim being deleted cannot be mounted by a new pod (the scheduler refuses it).
      return (
        pvc !== undefined &&
        statusOf(pvc)['phase'] === 'Bound' &&
        pvc.metadata.deletionTimestamp === undefined
      );
    });
  }

  /** Why the kubelet cannot build a container's environment: a missing Secret, ConfigMap or key. */
  private configError(pod: KubeObject): string | undefined {
    const ns = pod.metadata.namespace ?? '';
    const containers = (specOf(pod)['containers'] ?? []) as { env?: EnvSource[] }[];
    for (const e of containers.flatMap((c) => c.env ?? [])) {
      for (const [kind, ref] of [
        ['Secret', e.valueFrom?.secretKeyRef],
        ['ConfigMap', e.valueFrom?.configMapKeyRef],
      ] as const) {
        if (!ref || ref.optional === true) continue;
        const obj = this.ctx.store.get({ kind, namespace: ns, name: ref.name });
        if (!obj) return `${kind.toLowerCase()} "${ref.name}" not found`;
        const data = { ...(obj['data'] as object | undefined), ...(obj['binaryData'] as object | undefined) };
        if (!(ref.key in data)) return `couldn't find key ${ref.key} in ${kind} ${ns}/${ref.name}`;
      }
    }
    return undefined;
  }

  private waitForConfig(pod: KubeObject, message: string): void {
    const now = this.ctx.clock.iso();
    let conditions: Condition[] = conditionsOf(pod);
    for (const t of ['Initialized', 'PodScheduled']) conditions = setCondition(conditions, t, 'True', now);
    for (const t of ['ContainersReady', 'Ready']) conditions = setCondition(conditions, t, 'False', now);
    const containers = (specOf(pod)['containers'] ?? []) as { name: string; image: string }[];
    const containerStatuses = containers.map((c) => ({
      name: c.name,
      image: c.image,
      ready: false,
      restartCount: 0,
      started: false,
      state: { waiting: { reason: 'CreateContainerConfigError', message } },
    }));
    this.ctx.store.updateStatus(
      { ...pod, status: { ...statusOf(pod), conditions, containerStatuses } },
      KUBELET,
    );
  }

  private start(pod: KubeObject): void {
    if (!this.volumesBound(pod)) return;
    const configError = this.configError(pod);
    if (configError !== undefined) {
      this.waitForConfig(pod, configError);
      return;
    }
    const now = this.ctx.clock.iso();
    let conditions: Condition[] = conditionsOf(pod);
    for (const t of ['Initialized', 'PodScheduled']) conditions = setCondition(conditions, t, 'True', now);
    for (const t of ['ContainersReady', 'Ready']) conditions = setCondition(conditions, t, 'False', now);
    const status = {
      ...statusOf(pod),
      phase: 'Running',
      podIP: `10.244.0.${this.ipSeq++ % 250}`,
      startTime: now,
      conditions,
      containerStatuses: this.containerStatuses(pod, false),
    };
    this.ctx.store.updateStatus({ ...pod, status }, KUBELET);
  }

  private containerStatuses(pod: KubeObject, ready: boolean): unknown[] {
    const containers = (specOf(pod)['containers'] ?? []) as { name: string; image: string }[];
    const s = this.state(pod);
    return containers.map((c) => ({
      name: c.name,
      image: c.image,
      ready,
      restartCount: s.restartCount,
      started: !s.crashed,
      state: s.crashed ? { waiting: { reason: 'CrashLoopBackOff' } } : { running: {} },
    }));
  }

  /** Job pods are the Job controller's to finish; other pods follow their readiness probe. */
  /**
   * A crash shows in status on the first pass (Ready False, CrashLoopBackOff); the back-off is over
   * on the next one, when the container starts again as a new process (restartCount + 1). Both
   * passes write the pod, so a crash never goes by without an event.
   */
  private probe(pod: KubeObject): void {
    const s = this.state(pod);
    if (s.crashed && s.reported && this.ctx.clock.now >= (s.restartAt ?? 0)) {
      s.crashed = false;
      s.reported = false;
      delete s.restartAt;
      s.restartCount++;
    } else if (s.crashed) {
      s.reported = true;
    }
    const ready = !s.crashed && (this.readiness(pod) ?? true);
    const now = this.ctx.clock.iso();
    let conditions = conditionsOf(pod);
    for (const t of ['ContainersReady', 'Ready'])
      conditions = setCondition(conditions, t, ready ? 'True' : 'False', now);
    const status = { ...statusOf(pod), conditions, containerStatuses: this.containerStatuses(pod, ready) };
    this.ctx.store.updateStatus({ ...pod, status }, KUBELET);
  }

  private markUnready(pod: KubeObject, actor = 'node-lifecycle-controller'): void {
    const now = this.ctx.clock.iso();
    let conditions = conditionsOf(pod);
    for (const t of ['ContainersReady', 'Ready']) conditions = setCondition(conditions, t, 'False', now);
    const updated = clone(pod);
    updated['status'] = { ...statusOf(pod), conditions };
    this.ctx.store.updateStatus(updated, actor);
  }
}
