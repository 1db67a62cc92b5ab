/**
 * Credentials of Patroni's REST API (port 8008), so that only holders of the cluster's Secret can
 * switch over, restart, reinitialise, reload or change the DCS configuration.
 *
 * With `restapi.authentication` set, Patroni answers 401 to every write without the matching HTTP
 * Basic credentials: the handlers behind its `check_access` decorator (PATCH/PUT /config, POST
 * /reload, /failsafe, /sigterm, /restart, /reinitialize, /failover, /switchover through
 * `do_POST_failover`, /citus; DELETE /restart, /switchover). The reads (GET /health, /readiness,
 * /liveness, /patroni, /cluster, /history, /config, /metrics, ...) carry no such check and stay open
 * to probes and scrapers (Patroni v4.0.4 `patroni/api.py` `check_access`, `RestApiServer.check_access`,
 * `RestApiServer.check_auth_header`). Patroni's own calls to other members send the same credentials
 * (`patroni/request.py` `PatroniRequest.reload_config`, from `restapi.auth`), and every member has them.
 *
 * How they reach Patroni: Spilo runs Patroni with a scrubbed environment (Spilo 4.0-p3
 * `postgres-appliance/runit/patroni/run` keeps only a few variables), so `PATRONI_RESTAPI_USERNAME` /
 * `PATRONI_RESTAPI_PASSWORD`, which Patroni would read itself (v4.0.4 `patroni/config.py`
 * `Config._build_environment_configuration`, `_get_auth('restapi')`), never reach it. Spilo writes
 * `SPILO_CONFIGURATION` into Patroni's YAML instead (`configure_spilo.py` `main()`, `deep_update`,
 * `write_patroni_config`), so that document carries `restapi.authentication` as references
 * `$(PATRONI_RESTAPI_USERNAME)` / `$(PATRONI_RESTAPI_PASSWORD)`: the kubelet replaces them with the
 * values of those variables, read from the Secret, when the container starts (V1EnvVar `value`:
 * references to variables defined earlier in the list are expanded). The variables therefore sort
 * before `SPILO_CONFIGURATION`, and the password never appears in the StatefulSet.
 *
 * The password is the Secret's when it exists, else HMAC(operator key, `<uid>/patroni-api`) like the
 * other cluster passwords. It must survive being pasted verbatim into that document (the derived one is
 * base64url): a hand-set password that does not is reported in status
 * and never rendered (rest-api-secret.ts).
 */
import type { V1EnvVar, V1Secret } from '@kubernetes/client-node';
import type { Child, Plain } from '../../lib/k8s.js';
import { childMetadata } from '../children/metadata.js';
import { derivePassword, keptPassword, type CredentialInputs } from '../children/secrets.js';
import { clusterNames, COMPONENTS } from '../names.js';
import type { ClusterIdentity } from '../spec/resolved.js';
import { unusableRestApiPassword } from './rest-api-secret.js';

/** The REST API user name (any name works: Patroni compares `user:password` as one string). */
export const RESTAPI_USER = 'pgmeta';

/** The variables the database containers and the Patroni-calling Jobs read the credentials into. */
export const RESTAPI_ENV = {
  username: 'PATRONI_RESTAPI_USERNAME',
  password: 'PATRONI_RESTAPI_PASSWORD',
} as const;

/** `restapi.authentication` in `SPILO_CONFIGURATION`: references the kubelet expands. */
export const RESTAPI_AUTHENTICATION = {
  username: `$(${RESTAPI_ENV.username})`,
  password: `$(${RESTAPI_ENV.password})`,
} as const;

/**
 * The REST API password: the observed Secret's, or HMAC(operator key, `<uid>/patroni-api`). An observed
 * password Spilo cannot read back counts as absent: pgmeta never renders one itself (the Secret is an
 * `OnDelete` child, so a Secret that exists keeps the user's value until the user changes or deletes it).
 */
export function restApiPassword(cluster: ClusterIdentity, inputs: CredentialInputs): string {
  const secretName = clusterNames(cluster).restApiSecret;
  if (unusableRestApiPassword(inputs.observedSecrets[secretName]))
    return derivePassword(inputs.operatorKey, cluster.uid, 'patroni-api');
  return keptPassword(inputs, {
    uid: cluster.uid,
    secretName,
    purpose: 'patroni-api',
  });
}

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

/** The Secret with the REST API credentials (`username`, `password`). */
export function buildRestApiSecret(cluster: ClusterIdentity, password: string): Child<V1Secret> {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: childMetadata(cluster, {
      name: clusterNames(cluster).restApiSecret,
      component: COMPONENTS.credentials,
    }),
    type: 'Opaque',
    data: { password: b64(password), username: b64(RESTAPI_USER) },
  };
}

/** The two variables, read from the cluster's Secret (database containers and Jobs alike). */
export function restApiEnv(cluster: Pick<ClusterIdentity, 'name'>): Plain<V1EnvVar>[] {
  const secret = clusterNames(cluster).restApiSecret;
  return (['username', 'password'] as const).map((key) => ({
    name: RESTAPI_ENV[key],
    valueFrom: { secretKeyRef: { name: secret, key } },
  }));
}
