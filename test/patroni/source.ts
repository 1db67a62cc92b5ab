/**
 * What the rig takes from pgmeta's rendered children, read the way Kubernetes and Spilo would read
 * them: the StatefulSet's `SCOPE` and `SPILO_CONFIGURATION` env values (the latter with its `$(NAME)`
 * references expanded, as the kubelet does), and the superuser, replication and REST API credentials
 * through the env's `secretKeyRef`s into the rendered Secrets' base64 `data`.
 */
import type { KubeObject } from '../../hooks/lib/k8s.js';
import { containerEnvValues, type RenderedEnvVar } from '../support/container-env.js';

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
  /** Patroni's REST API credentials, as the members' `restapi.authentication` holds them. */
  restApi: Credentials;
}

interface StatefulSetShape extends KubeObject {
  spec: {
    replicas: number;
    template: { spec: { containers: { name: string; env?: RenderedEnvVar[] }[] } };
  };
}

function find(children: readonly KubeObject[], kind: string): KubeObject[] {
  return children.filter((c) => c.kind === kind);
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
  // As the kubelet builds the environment: Secrets read, `$(NAME)` references expanded in order.
  const env = containerEnvValues(container.env ?? [], find(children, 'Secret'));
  const value = (name: string): string => {
    const v = env.get(name);
    if (v === undefined) throw new Error(`the database container has no env ${name}`);
    return v;
  };
  return {
    scope: value('SCOPE'),
    statefulSet: sts.metadata.name,
    replicas: sts.spec.replicas,
    spilo: JSON.parse(value('SPILO_CONFIGURATION')) as Record<string, unknown>,
    superuser: { username: value('PGUSER_SUPERUSER'), password: value('PGPASSWORD_SUPERUSER') },
    replication: { username: value('PGUSER_STANDBY'), password: value('PGPASSWORD_STANDBY') },
    restApi: {
      username: value('PATRONI_RESTAPI_USERNAME'),
      password: value('PATRONI_RESTAPI_PASSWORD'),
    },
  };
}
