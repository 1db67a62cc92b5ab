/** The scenario language's starting points (`s.given`, see scenario.ts): the cluster and what it uses. */
import type { JsonObject } from './lib/json';
import type { Scenario } from './scenario';

/** The actor of everything a user (kubectl) does in a scenario. */
export const USER = 'user';

/** Starting points. */
export class Given {
  private readonly s: Scenario;

  constructor(s: Scenario) {
    this.s = s;
  }

  /** A PostgresCluster with this spec, created and settled (normally Running). */
  async cluster(spec: JsonObject, o: { settle?: boolean } = {}): Promise<void> {
    this.s.store.create(
      {
        apiVersion: 'pgmeta.io/v1alpha1',
        kind: 'PostgresCluster',
        metadata: { name: this.s.name, namespace: this.s.namespace },
        spec,
      },
      USER,
    );
    this.s.trace(`given: cluster ${this.s.namespace}/${this.s.name} ${JSON.stringify(spec)}`);
    if (o.settle !== false) await this.s.settle();
  }

  /** A user's Secret in the scenario's namespace (values base64-encoded into `data`, as kubectl does). */
  secret(name: string, values: Record<string, string>): void {
    this.s.store.create(
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name, namespace: this.s.namespace },
        data: Object.fromEntries(
          Object.entries(values).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
        ),
      },
      USER,
    );
    this.s.trace(`given: secret ${this.s.namespace}/${name} with keys ${Object.keys(values).join(', ')}`);
  }

  /** A StorageClass (cluster-scoped). */
  storageClass(name: string, o: { allowVolumeExpansion: boolean; isDefault?: boolean }): void {
    this.s.store.create(
      {
        apiVersion: 'storage.k8s.io/v1',
        kind: 'StorageClass',
        metadata: {
          name,
          ...(o.isDefault === true
            ? { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }
            : {}),
        },
        provisioner: 'example.com/csi',
        allowVolumeExpansion: o.allowVolumeExpansion,
      },
      USER,
    );
  }
}
