/**
 * The environment of the Spilo container.
 *
 * Spilo's `configure_spilo.py` reads these once at container start (with the full environment) and
 * turns them into Patroni's configuration; Patroni itself then runs with a scrubbed environment, so
 * everything else it needs travels in `SPILO_CONFIGURATION`.
 * @see docs/contract.md (what Spilo does with each variable, with its upstream file and function)
 */
import type { V1EnvVar } from '@kubernetes/client-node';
import type { Plain } from '../../lib/k8s.js';
import { clusterBackupEnv } from '../backup/env.js';
import { CLUSTER_LABEL, clusterNames, PATRONI_LABELS, ROLE_LABEL, ROLE_VALUES } from '../names.js';
import { restApiEnv } from '../patroni/rest-api.js';
import type { ResolvedCluster } from '../spec/resolved.js';
import { spiloTlsEnv } from '../tls/index.js';
import { sortedJson, spiloConfigurationJson } from './configuration.js';

export type EnvVar = Plain<V1EnvVar>;

/** Where the data volume is mounted. */
export const PGDATA_MOUNT = '/home/postgres/pgdata';
/**
 * Spilo's PGROOT and PGDATA on the volume. The image bakes `PGDATA` in at build time, so both are set
 * explicitly: a data directory outside the volume would be lost with the pod.
 */
export const PGROOT = `${PGDATA_MOUNT}/pgroot`;
export const PGDATA = `${PGROOT}/data`;

/** The image's home of the `postgres` user (Spilo's Dockerfile `PGHOME`). */
export const PGHOME = '/home/postgres';

/**
 * On OpenShift (`spec.platform: openshift`) the container runs as a user the image's /etc/passwd does
 * not know until `launch.sh` rewrites the `postgres` entry, so the runtime starts it with `HOME=/`;
 * `configure_spilo.py` `get_placeholders()` takes PGHOME from `~` and writes files there, which that
 * user may not do in `/`. PGHOME itself is group-0 writable (`build_scripts/post_build.sh`).
 */
function platformEnv(cluster: ResolvedCluster): EnvVar[] {
  return cluster.platform === 'openshift' ? [envValue('HOME', PGHOME)] : [];
}

/** A literal variable. */
export function envValue(name: string, value: string): EnvVar {
  return { name, value };
}

/** A variable read from one key of a Secret. */
export function envFromSecret(name: string, secret: string, key: string): EnvVar {
  return { name, valueFrom: { secretKeyRef: { name: secret, key } } };
}

/** A variable read from the pod's own object (the `apiVersion` is written as the API server stores it). */
export function envFromField(name: string, fieldPath: string): EnvVar {
  return { name, valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath } } };
}

/** Drops empty literal values (an empty string makes Metacontroller rewrite the child forever) and sorts. */
export function sortEnv(vars: readonly EnvVar[]): EnvVar[] {
  return vars
    .filter((v) => v.valueFrom !== undefined || (v.value !== undefined && v.value !== ''))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * `KUBERNETES_BYPASS_API_SERVICE=false`: Spilo defaults it to `true` (configure_spilo.py
 * `get_placeholders()`), and Patroni then reads the API server's addresses from the `kubernetes`
 * Endpoints in the `default` namespace (Patroni v4.0.4 patroni/dcs/kubernetes.py
 * `ApiClient._get_api_servers()`). Patroni's Role lives in the cluster's own namespace, so outside
 * `default` that read is a 403 and Patroni turns bypassing off with a warning on every start
 * (`ApiClient._refresh_api_servers_cache()`); in `default` it would connect to the API server's own
 * addresses, around the Service. Off, Patroni uses the API Service as every other client does.
 */
export const BYPASS_API_SERVICE = 'false';

/**
 * `SPILO_PROVIDER=local`: unset, `configure_spilo.py` `get_provider()` probes 169.254.169.254 at
 * every start to guess the cloud (the OpenStack probe has no timeout) and, on AWS outside the
 * Kubernetes DCS, adds an EC2-tagging callback. pgmeta needs no provider feature: its archive
 * settings are explicit. With the Kubernetes DCS configured, `local` adds no etcd (`main()` links
 * the etcd service only when no DCS section exists).
 */
export const SPILO_PROVIDER = 'local';

function dcsEnv(cluster: ResolvedCluster): EnvVar[] {
  return [
    envValue('DCS_ENABLE_KUBERNETES_API', 'true'),
    envValue('KUBERNETES_BYPASS_API_SERVICE', BYPASS_API_SERVICE),
    envValue('KUBERNETES_SCOPE_LABEL', CLUSTER_LABEL),
    envValue('KUBERNETES_ROLE_LABEL', ROLE_LABEL),
    envValue('KUBERNETES_LEADER_LABEL_VALUE', ROLE_VALUES.primary),
    envValue('KUBERNETES_STANDBY_LEADER_LABEL_VALUE', ROLE_VALUES.primary),
    envValue('KUBERNETES_LABELS', sortedJson(PATRONI_LABELS)),
    // Any non-empty value selects ConfigMaps: configure_spilo.py `get_dcs_config` adds
    // `use_endpoints: true` (with pod_ip and the port) only when `use_configmaps` is falsy.
    ...(cluster.patroni.dcs === 'configmaps' ? [envValue('KUBERNETES_USE_CONFIGMAPS', 'true')] : []),
    envValue('SCOPE', clusterNames(cluster).scope),
    envFromField('POD_IP', 'status.podIP'),
    envFromField('POD_NAMESPACE', 'metadata.namespace'),
  ];
}

function credentialEnv(cluster: ResolvedCluster): EnvVar[] {
  const { secrets } = clusterNames(cluster);
  return [
    envFromSecret('PGUSER_SUPERUSER', secrets.superuser, 'username'),
    envFromSecret('PGPASSWORD_SUPERUSER', secrets.superuser, 'password'),
    envFromSecret('PGUSER_STANDBY', secrets.replication, 'username'),
    envFromSecret('PGPASSWORD_STANDBY', secrets.replication, 'password'),
    // Referenced from SPILO_CONFIGURATION, so they must sort before it (patroni/rest-api.ts).
    ...restApiEnv(cluster),
  ];
}

/** What the database pods' environment depends on besides the spec (observed state). */
export interface SpiloPodInputs {
  /** The issued certificate carries a CA, so Spilo names it (tls/ca.ts). @default false */
  certificateCa?: boolean;
}

/** The container environment of a cluster's database pods, sorted by name. */
export function spiloEnv(cluster: ResolvedCluster, inputs: SpiloPodInputs = {}): EnvVar[] {
  return sortEnv([
    ...dcsEnv(cluster),
    ...credentialEnv(cluster),
    ...platformEnv(cluster),
    envValue('PGVERSION', cluster.version),
    envValue('PGROOT', PGROOT),
    envValue('PGDATA', PGDATA),
    envValue('SPILO_PROVIDER', SPILO_PROVIDER),
    envValue('SPILO_CONFIGURATION', spiloConfigurationJson(cluster)),
    // WAL-G archiving (spec.backup) and a restore at bootstrap (spec.restore); nothing without them.
    ...clusterBackupEnv(cluster),
    // Spilo's hba template refuses connections without TLS unless this is set; pgmeta replaces that
    // template, but the variable also states the intent to every Spilo script that reads it.
    ...(cluster.tls.enabled ? [] : [envValue('ALLOW_NOSSL', 'true')]),
    // The cert-manager certificate's files (spec.tls.issuerRef); none: Spilo's self-signed one.
    ...spiloTlsEnv(cluster, inputs.certificateCa ?? false),
  ]);
}
