/**
 * The status of the optional features, in one place so computeStatus only spreads it: the poolers'
 * endpoints and readiness (and their `PoolerReady` condition), which certificate the members serve,
 * and a standby's source and replay (its `Standby` condition). Each field is present only where its
 * feature applies. `PatroniApiSecretValid` appears only while the REST API Secret holds a password
 * that cannot reach Patroni (patroni/rest-api-secret.ts), `CredentialSecretsValid` only while the
 * superuser or replication Secret holds one Spilo changes (spilo/template-passwords.ts).
 */
import type { ConditionInput } from '../../lib/conditions.js';
import { backupProblems } from '../backup/index.js';
import type { ObservedCluster } from '../observe.js';
import { restApiSecretCondition } from '../patroni/rest-api-secret.js';
import { templatePasswordsCondition } from '../spilo/template-passwords.js';
import { poolerStatus, type PoolerStatus } from '../pooler/status.js';
import type { ResolvedCluster } from '../spec/resolved.js';
import { standbyCondition, standbyStatus, type StandbyStatus } from '../standby/status.js';
import { tlsStatus, type TlsStatus } from '../tls/index.js';

export interface FeatureStatusFields {
  pooler?: PoolerStatus;
  tls?: TlsStatus;
  standby?: StandbyStatus;
}

export function featureStatus(
  cluster: ResolvedCluster | undefined,
  observed: ObservedCluster,
): { fields: FeatureStatusFields; conditions: ConditionInput[] } {
  if (!cluster) return { fields: {}, conditions: [] };
  const pooler = poolerStatus(cluster, observed.deployments ?? {});
  const standbyInput = {
    ...(cluster.standby ? { standby: cluster.standby } : {}),
    problems: backupProblems(cluster, observed).filter((p) => p.purpose === 'standby'),
    members: observed.members,
    ...(observed.leaderEndpoints ? { leaderEndpoints: observed.leaderEndpoints } : {}),
    ...(observed.configEndpoints ? { configEndpoints: observed.configEndpoints } : {}),
  };
  const standby = standbyStatus(standbyInput);
  const present = (c: ConditionInput | undefined): c is ConditionInput => c !== undefined;
  return {
    fields: {
      ...(pooler.pooler ? { pooler: pooler.pooler } : {}),
      tls: tlsStatus(cluster, observed.tlsSecret),
      ...(standby ? { standby } : {}),
    },
    conditions: [
      ...pooler.conditions,
      ...[
        standbyCondition(standbyInput),
        restApiSecretCondition(cluster, observed.secrets),
        templatePasswordsCondition(cluster, observed.secrets),
      ].filter(present),
    ],
  };
}
