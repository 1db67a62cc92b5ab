/**
 * `SPILO_CONFIGURATION`: everything Patroni needs, as one JSON document in the container environment.
 *
 * Patroni runs under runit with a scrubbed environment, so `PATRONI_*` variables never reach it; Spilo
 * instead deep-merges this document over its own template (our values win, dicts merge, lists are
 * replaced). `bootstrap.*` is read only when the cluster is first initialised: later DCS changes
 * go through Patroni's `PATCH /config`, while the local `postgresql.*` section follows the pod template.
 * @see docs/contract.md (what Spilo does with each variable, with its upstream file and function)
 */
import { RESTAPI_AUTHENTICATION } from '../patroni/rest-api.js';
import { standbyClusterSection } from '../standby/dcs.js';
import type { ResolvedCluster } from '../spec/resolved.js';
import { pgHba } from './hba.js';
import { loggingParameters } from './logging.js';
import { splitParameters } from './parameters.js';
import { mergedPreloadLibraries, PRELOAD_PARAMETER } from './preload.js';
import { sortedJson } from '../../lib/canonical-json.js';

/** Patroni timing (seconds). loop_wait + 2 * retry_timeout must not exceed ttl. */
export const DCS_TIMING = { ttl: 30, loop_wait: 10, retry_timeout: 10 } as const;

/**
 * A replica lagging more than this (bytes) may not take part in a leader race: 32 MiB, Spilo's
 * default, bounds the data an automatic failover can lose with asynchronous replication.
 */
export const MAXIMUM_LAG_ON_FAILOVER = 33_554_432;

/**
 * initdb options: SCRAM for TCP, trust on the socket (see hba.ts), UTF8 and data checksums so
 * corruption is detected rather than replicated silently.
 */
export const INITDB_OPTIONS: readonly (string | Record<string, string>)[] = [
  { 'auth-host': 'scram-sha-256' },
  { 'auth-local': 'trust' },
  { encoding: 'UTF8' },
  'data-checksums',
];

/** Local parameters pgmeta owns; they win over a user value (the spec validation refuses them). */
export const PGMETA_LOCAL_PARAMETERS: Readonly<Record<string, string>> = {
  // pg_hba accepts only SCRAM, so every password must be stored as a SCRAM verifier.
  password_encryption: 'scram-sha-256',
};

/** The DCS section: Patroni's dynamic configuration at bootstrap. */
export interface SpiloDcs {
  ttl: number;
  loop_wait: number;
  retry_timeout: number;
  maximum_lag_on_failover: number;
  synchronous_mode: boolean;
  synchronous_mode_strict: boolean;
  synchronous_node_count: number;
  postgresql: { use_pg_rewind: boolean; use_slots: boolean; parameters?: Record<string, string> };
  /** Present for a standby cluster (standby/dcs.ts). */
  standby_cluster?: Record<string, unknown>;
}

/** The document pgmeta merges over Spilo's template. */
export interface SpiloConfiguration {
  bootstrap: { dcs: SpiloDcs; initdb: readonly (string | Record<string, string>)[] };
  postgresql: { parameters: Record<string, string>; pg_hba: string[] };
  /** Merged with Spilo's `listen`/`connect_address`; references the kubelet expands (rest-api.ts). */
  restapi: { authentication: typeof RESTAPI_AUTHENTICATION };
}

function dcsSection(cluster: ResolvedCluster, dcsParameters: Record<string, string>): SpiloDcs {
  const { mode, nodeCount } = cluster.synchronous;
  return {
    ...DCS_TIMING,
    maximum_lag_on_failover: MAXIMUM_LAG_ON_FAILOVER,
    synchronous_mode: mode !== 'async',
    synchronous_mode_strict: mode === 'strict',
    synchronous_node_count: nodeCount,
    postgresql: {
      // pg_rewind lets a former primary rejoin as a replica without a new basebackup.
      use_pg_rewind: true,
      // Slots keep the WAL a replica still needs, so it never falls off the primary's history.
      use_slots: true,
      ...(Object.keys(dcsParameters).length > 0 ? { parameters: dcsParameters } : {}),
    },
    ...(cluster.standby ? { standby_cluster: standbyClusterSection(cluster.standby) } : {}),
  };
}

/**
 * The local parameters: the user's, a user `shared_preload_libraries` merged with Spilo's own list
 * (Spilo stops adding its libraries as soon as the key is present: preload.ts), then spec.logging's
 * (the spec validation refuses a user value for those: spec/logging.ts), then pgmeta's own.
 */
function localParameters(cluster: ResolvedCluster, local: Record<string, string>): Record<string, string> {
  const preload = local[PRELOAD_PARAMETER];
  return {
    ...local,
    ...(preload === undefined
      ? {}
      : { [PRELOAD_PARAMETER]: mergedPreloadLibraries(cluster.version, preload) }),
    ...loggingParameters(cluster.logging),
    ...PGMETA_LOCAL_PARAMETERS,
  };
}

/** The configuration of one cluster, as a plain object (serialize it with {@link sortedJson}). */
export function spiloConfiguration(cluster: ResolvedCluster): SpiloConfiguration {
  const { dcs, local } = splitParameters(cluster.postgresqlParams);
  return {
    bootstrap: { dcs: dcsSection(cluster, dcs), initdb: INITDB_OPTIONS },
    postgresql: {
      parameters: localParameters(cluster, local),
      pg_hba: pgHba(cluster),
    },
    restapi: { authentication: RESTAPI_AUTHENTICATION },
  };
}

export { sortedJson };

/** The `SPILO_CONFIGURATION` environment value of a cluster. */
export function spiloConfigurationJson(cluster: ResolvedCluster): string {
  return sortedJson(spiloConfiguration(cluster));
}
