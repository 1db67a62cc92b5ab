/**
 * What the rig takes from pgmeta's rendered children, read the way Kubernetes and Spilo would read
 * them: the StatefulSet's `SCOPE` and `SPILO_CONFIGURATION` env values, and the superuser and
 * replication credentials through the env's `secretKeyRef`s into the rendered Secrets' base64 `data`.
 */
import type { KubeObject } from '../../hooks/lib/k8s.js';

export interface Credentials {
  username: string;
  password: string;
}

export interface RigSource {
  /** Patroni's scope (`SCOPE`): the cluster name, prefix of every DCS key. */
  scope: string;
  /** The StatefulSet's name: members are named `<statefulSet>-<ordinal>` like its pods. */
  statefulSet: string;
  replicas: number;
  /** The parsed `SPILO_CONFIGURATION` document. */
  spilo: Record<string, unknown>;
  superuser: Credentials;
  replication: Credentials;
}

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}

interface StatefulSetShape extends KubeObject {
  spec: { replicas: number; template: { spec: { containers: { name: string; env?: EnvVar[] }[] } } };
}

function find(children: readonly KubeObject[], kind: string): KubeObject[] {
  return children.filter((c) => c.kind === kind);
}

/** Resolves one env variable of the container: a literal value or a key of a rendered Secret. */
function envValue(env: readonly EnvVar[], name: string, secrets: readonly KubeObject[]): string {
  const entry = env.find((e) => e.name === name);
  if (entry === undefined) throw new Error(`the database container has no env ${name}`);
  if (entry.value !== undefined) return entry.value;
  const ref = entry.valueFrom?.secretKeyRef;
  if (ref === undefined) throw new Error(`env ${name} is neither a value nor a secretKeyRef`);
  const secret = secrets.find((s) => s.metadata.name === ref.name);
  const data = (secret?.['data'] ?? {}) as Record<string, string>;
  const encoded = data[ref.key];
  if (encoded === undefined) throw new Error(`env ${name}: Secret ${ref.name} has no data.${ref.key}`);
  return Buffer.from(encoded, 'base64').toString('utf8');
}

/** Reads the rig's inputs from the children `renderChildren` returned for one cluster. */
export function rigSource(children: readonly KubeObject[]): RigSource {
  const sets = find(children, 'StatefulSet') as StatefulSetShape[];
  if (sets.length !== 1) throw new Error(`expected one StatefulSet, rendered ${sets.length}`);
  const sts = sets[0]!;
  const container = sts.spec.template.spec.containers.find((c) =>
    (c.env ?? []).some((e) => e.name === 'SPILO_CONFIGURATION'),
  );
  if (container === undefined) throw new Error('no container carries SPILO_CONFIGURATION');
  const env = container.env ?? [];
  const secrets = find(children, 'Secret');
  const value = (name: string): string => envValue(env, name, secrets);
  return {
    scope: value('SCOPE'),
    statefulSet: sts.metadata.name,
    replicas: sts.spec.replicas,
    spilo: JSON.parse(value('SPILO_CONFIGURATION')) as Record<string, unknown>,
    superuser: { username: value('PGUSER_SUPERUSER'), password: value('PGPASSWORD_SUPERUSER') },
    replication: { username: value('PGUSER_STANDBY'), password: value('PGPASSWORD_STANDBY') },
  };
}
