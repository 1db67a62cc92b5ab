/**
 * What Kubernetes and Patroni do around pgmeta's children, one pass per `tick()`, in this order:
 * Patroni (every member's HA loop), the kubelets (start, probe, restart, remove pods), the node
 * lifecycle controller (taint-based eviction), the disruption controller and `kubectl drain` (evictions
 * through the PodDisruptionBudgets), the StatefulSet controller, the Job controller (with
 * job-effects.ts), the TTL-after-finished controller, the volume controllers (binding, expansion,
 * pvc-protection), the endpoints controller and the garbage collector. Each controller acts on what
 * the previous ones wrote in the same pass; the hooks see the result after the pass. Where each
 * behaviour comes from: sim/UPSTREAM.md.
 *
 * Events scenarios inject: a container crash, a pod deletion, a lost (and returning) node, a node
 * drain (`drains.drain`), a failing
 * Job, a failing volume expansion (`volumes.failExpansion`), a controller-manager restart, client
 * writes, replication lag and an unreachable backup store.
 */
import type { KubeObject } from '../../hooks/lib/k8s';
import { collectGarbage, refOf } from './emulator';
import { isBackground } from './effects/catalog';
import { runJob } from './job-effects';
import type { SimClock } from './lib/clock';
import type { ApiStore } from './lib/store';
import type { SimContext } from './sim/context';
import { DisruptionController } from './sim/disruption';
import { Drains } from './sim/drain';
import { EndpointsController } from './sim/endpoints';
import { JobController } from './sim/jobs';
import { Kubelets } from './sim/kubelet';
import { PatroniSim } from './sim/patroni';
import { NodeLifecycle } from './sim/nodes';
import { StatefulSetController } from './sim/statefulset';
import { ttlNextTimer, ttlTick } from './sim/ttl';
import { VolumeControllers } from './sim/volumes';
import { BackupStore } from './sim/walg';

export const SCENARIO_ACTOR = 'scenario';

export class ClusterSim {
  readonly ctx: SimContext;
  readonly kubelets: Kubelets;
  readonly patroni: PatroniSim;
  readonly statefulSets: StatefulSetController;
  readonly jobs: JobController;
  readonly volumes: VolumeControllers;
  /** The object store outside the cluster that WAL-G archives and backs up to. */
  readonly backups = new BackupStore();
  /** What a query returns on a restored copy of the data (the drill's check query), set by scenarios. */
  readonly queryResults = new Map<string, string>();
  private readonly endpoints: EndpointsController;
  readonly nodes: NodeLifecycle;
  /** PodDisruptionBudgets' status and the eviction API (sim/disruption.ts). */
  readonly disruption: DisruptionController;
  /** `kubectl cordon` and `kubectl drain` (sim/drain.ts). */
  readonly drains: Drains;

  constructor(o: { store: ApiStore; clock: SimClock; trace: (line: string) => void }) {
    this.ctx = { store: o.store, clock: o.clock, lostNodes: new Set(), trace: o.trace };
    this.kubelets = new Kubelets(
      this.ctx,
      (pod) => this.patroni.ready(pod),
      (pod) => this.jobs.logOf(pod),
    );
    this.patroni = new PatroniSim(this.ctx, this.kubelets);
    this.statefulSets = new StatefulSetController(this.ctx);
    this.jobs = new JobController(
      this.ctx,
      (job, memory) =>
        runJob(
          job,
          {
            store: o.store,
            patroni: this.patroni,
            backups: this.backups,
            queryResults: this.queryResults,
            podRunning: (pod) => this.kubelets.running(pod),
            now: () => o.clock.now,
            trace: o.trace,
          },
          memory,
        ),
      this.kubelets,
    );
    this.jobs.background = isBackground;
    this.endpoints = new EndpointsController(this.ctx);
    this.volumes = new VolumeControllers(this.ctx);
    this.nodes = new NodeLifecycle(this.ctx);
    this.disruption = new DisruptionController(this.ctx);
    this.drains = new Drains(this.ctx, this.disruption);
  }

  tick(): void {
    this.patroni.tick();
    this.kubelets.tick();
    this.nodes.tick();
    this.disruption.tick();
    this.drains.tick();
    this.statefulSets.tick();
    this.jobs.tick();
    ttlTick(this.ctx);
    this.volumes.tick();
    this.endpoints.tick();
    collectGarbage(this.ctx.store);
  }

  /** When the cluster will change next by itself (a timeout, a lapsing lock), if anything is pending. */
  nextTimer(): number | undefined {
    const times = [
      this.patroni.nextTimer(),
      this.jobs.nextTimer(),
      this.kubelets.nextTimer(),
      ttlNextTimer(this.ctx),
      this.nodes.nextTimer(),
      this.drains.nextTimer(),
    ].filter((t) => t !== undefined);
    return times.length > 0 ? Math.min(...times) : undefined;
  }

  private pod(namespace: string, name: string): KubeObject {
    const pod = this.ctx.store.get({ kind: 'Pod', namespace, name });
    if (!pod) throw new Error(`no pod ${namespace}/${name}`);
    return pod;
  }

  /** The database container of a pod dies; the kubelet restarts it after a back-off. */
  killContainer(namespace: string, name: string): void {
    this.kubelets.crash(this.pod(namespace, name));
  }

  /** `kubectl delete pod`: a graceful deletion (Patroni shuts down and releases its lock). */
  deletePod(namespace: string, name: string): void {
    this.ctx.store.delete(refOf(this.pod(namespace, name)), { actor: SCENARIO_ACTOR });
    this.ctx.trace(`scenario: deleted pod ${name}`);
  }

  /** The node a pod runs on stops answering: nothing on it can be updated or removed. */
  loseNodeOf(namespace: string, name: string): string {
    const node = String((this.pod(namespace, name)['spec'] as { nodeName?: string }).nodeName);
    this.ctx.lostNodes.add(node);
    this.ctx.trace(`scenario: node ${node} lost`);
    return node;
  }

  restoreNode(node: string): void {
    this.ctx.lostNodes.delete(node);
    this.ctx.trace(`scenario: node ${node} back`);
  }

  /** kube-controller-manager restarts: its endpoints controller cleans Endpoints without a Service. */
  restartControllerManager(): void {
    this.ctx.trace('scenario: kube-controller-manager restarted');
    this.endpoints.restart();
  }

  /** The next Job whose name starts with `prefix` fails with `message`. */
  failNextJob(prefix: string, message = 'script exited with status 1'): void {
    this.jobs.failing.set(prefix, message);
  }
}
