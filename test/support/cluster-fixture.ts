/**
 * A fluent builder of valid `ResolvedCluster`s for tests: `aCluster().withReplicas(3).build()`.
 *
 * The defaults are a small, valid cluster as `resolveSpec` would produce it (canonical quantities,
 * every defaulted field present). Each `with*` returns the builder; `build()` returns a fresh deep
 * copy, so one builder can produce several independent clusters.
 */
import type {
  PgMajor,
  ResolvedCluster,
  ResolvedScheduling,
  ResolvedService,
  ResolvedStorage,
  SynchronousMode,
} from '../../hooks/postgrescluster/spec/resolved.js';

export const FIXTURE_UID = '6f1c2b9e-3d4a-4e5f-9a8b-7c6d5e4f3a2b';

function defaults(): ResolvedCluster {
  return {
    name: 'demo',
    namespace: 'databases',
    uid: FIXTURE_UID,
    version: '17',
    platform: 'kubernetes',
    patroni: { dcs: 'endpoints' },
    image: 'ghcr.io/zalando/spilo-17:4.0-p3',
    imageFromSpec: false,
    images: {
      pgbouncer: 'ghcr.io/cloudnative-pg/pgbouncer:1.25.1',
      exporter: 'quay.io/prometheuscommunity/postgres-exporter:v0.20.1',
      pullSecrets: [],
    },
    maintenance: { imageUpdates: 'Manual' },
    replicas: 1,
    storage: { size: '10Gi', retentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' } },
    resources: { requests: { memory: '1Gi' }, limits: { memory: '1Gi' } },
    postgresqlParams: {},
    pgHba: [],
    synchronous: { mode: 'async', nodeCount: 1 },
    bootstrap: { database: 'app', owner: 'app' },
    service: { type: 'ClusterIP', annotations: {}, loadBalancerSourceRanges: [] },
    tls: { enabled: true },
    scheduling: { affinity: {}, tolerations: [], nodeSelector: {}, topologySpreadConstraints: [] },
    lifecycle: { paused: false, stopped: false, primaryUpdateMethod: 'switchover' },
    credentialRotation: { app: 0, superuser: 0, replication: 0, pooler: 0, monitoring: 0 },
  };
}

export class ClusterBuilder {
  private readonly cluster: ResolvedCluster = defaults();

  withDcs(dcs: ResolvedCluster['patroni']['dcs']): this {
    this.cluster.patroni = { dcs };
    return this;
  }

  withPlatform(platform: ResolvedCluster['platform']): this {
    this.cluster.platform = platform;
    return this;
  }

  withName(name: string): this {
    this.cluster.name = name;
    return this;
  }

  withNamespace(namespace: string): this {
    this.cluster.namespace = namespace;
    return this;
  }

  withUid(uid: string): this {
    this.cluster.uid = uid;
    return this;
  }

  withVersion(version: PgMajor): this {
    this.cluster.version = version;
    return this;
  }

  withImage(image: string): this {
    this.cluster.image = image;
    return this;
  }

  withReplicas(replicas: number): this {
    this.cluster.replicas = replicas;
    return this;
  }

  withStorage(storage: Partial<ResolvedStorage>): this {
    this.cluster.storage = { ...this.cluster.storage, ...storage };
    return this;
  }

  withResources(resources: ResolvedCluster['resources']): this {
    this.cluster.resources = resources;
    return this;
  }

  withParams(params: Record<string, string>): this {
    this.cluster.postgresqlParams = { ...this.cluster.postgresqlParams, ...params };
    return this;
  }

  withHba(lines: string[]): this {
    this.cluster.pgHba = [...lines];
    return this;
  }

  withSynchronous(mode: SynchronousMode, nodeCount = 1): this {
    this.cluster.synchronous = { mode, nodeCount };
    return this;
  }

  withBootstrap(bootstrap: Partial<ResolvedCluster['bootstrap']>): this {
    this.cluster.bootstrap = { ...this.cluster.bootstrap, ...bootstrap };
    return this;
  }

  withService(service: Partial<ResolvedService>): this {
    this.cluster.service = { ...this.cluster.service, ...service };
    return this;
  }

  withTls(enabled: boolean): this {
    this.cluster.tls = { enabled };
    return this;
  }

  withScheduling(scheduling: Partial<ResolvedScheduling>): this {
    this.cluster.scheduling = { ...this.cluster.scheduling, ...scheduling };
    return this;
  }

  withLifecycle(lifecycle: Partial<ResolvedCluster['lifecycle']>): this {
    this.cluster.lifecycle = { ...this.cluster.lifecycle, ...lifecycle };
    return this;
  }

  withLogging(logging: ResolvedCluster['logging']): this {
    if (logging === undefined) delete this.cluster.logging;
    else this.cluster.logging = logging;
    return this;
  }

  build(): ResolvedCluster {
    return structuredClone(this.cluster);
  }
}

/** A new builder with the defaults above. */
export function aCluster(): ClusterBuilder {
  return new ClusterBuilder();
}

interface EnvVarLike {
  name: string;
  value?: string;
  valueFrom?: unknown;
}

/** A container environment as a map name → literal value or `valueFrom`, for targeted assertions. */
export function envMap(env: readonly EnvVarLike[] | undefined): Record<string, unknown> {
  return Object.fromEntries((env ?? []).map((v) => [v.name, v.valueFrom ?? v.value]));
}
