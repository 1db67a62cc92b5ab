/**
 * The Patroni configuration of one rig member: pgmeta's rendered `SPILO_CONFIGURATION`, unchanged,
 * under the few values that running three members on one loopback host forces, plus the values Spilo's
 * own template would add around our document inside a pod (the rig has no Spilo image).
 *
 * As in Spilo, the rendered document is deep-merged over the template values (ours win); the loopback
 * values then go over both, each with its reason.
 */
import { join } from 'node:path';
import { PG_BIN_DIR } from './binaries.js';
import type { RigSource } from './source.js';

export interface MemberPlacement {
  /** The pod name the member stands for (`<statefulSet>-<ordinal>`). */
  name: string;
  /** The member's own directory (owned by the server user): data, socket, pgpass. */
  dir: string;
  dataDir: string;
  pgPort: number;
  apiPort: number;
  /** `host:port` of the rig's etcd. */
  etcd: string;
}

type Doc = Record<string, unknown>;

function isDoc(value: unknown): value is Doc {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Spilo's merge: dicts merge recursively, `over` wins, lists and scalars are replaced. */
export function deepMerge(base: Doc, over: Doc): Doc {
  const out: Doc = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] = isDoc(current) && isDoc(value) ? deepMerge(current, value) : value;
  }
  return out;
}

/** What Spilo's template adds inside a pod, from the pod's env (which pgmeta renders). */
function spiloTemplateValues(source: RigSource): Doc {
  return {
    // Spilo: `scope` from SCOPE, `name` from the pod name; the rig's member names are the pod names.
    scope: source.scope,
    postgresql: {
      // Spilo: from PGUSER_SUPERUSER/PGPASSWORD_SUPERUSER and PGUSER_STANDBY/PGPASSWORD_STANDBY, which
      // pgmeta points at its Secrets; rigSource read them through the same secretKeyRefs.
      authentication: { superuser: source.superuser, replication: source.replication },
      // Spilo: Patroni talks to its own PostgreSQL over the socket, so the rendered `local` pg_hba rule
      // is the one Patroni relies on, as in a pod.
      use_unix_socket: true,
      // Spilo: its replication connections to its own server go over the socket too (Spilo 4.0-p3
      // configure_spilo.py, TEMPLATE `postgresql.use_unix_socket_repl`). Patroni opens one to read the
      // timeline of its running replica before it decides on pg_rewind (v4.0.4
      // patroni/postgresql/__init__.py Postgresql.get_replica_timeline, rewind.py
      // Rewind._get_local_timeline_lsn), so only a `local replication` pg_hba rule admits it.
      use_unix_socket_repl: true,
      // Spilo: /usr/lib/postgresql/<PGVERSION>/bin; Debian's postgresql-15 uses the same layout.
      bin_dir: PG_BIN_DIR,
    },
    // Spilo's TEMPLATE `bootstrap.dcs.postgresql`: pg_rewind on (pgmeta renders it as well) and
    // wal_log_hints on, which with the rendered initdb `data-checksums` lets pg_rewind run (v4.0.4
    // patroni/postgresql/rewind.py Rewind.configuration_allows_rewind).
    bootstrap: { dcs: { postgresql: { use_pg_rewind: true, parameters: { wal_log_hints: 'on' } } } },
  };
}

/** What running three members on one loopback host forces. */
function loopbackValues(m: MemberPlacement): Doc {
  return {
    name: m.name,
    // DCS: Patroni's Kubernetes DCS needs an API server; etcd v3 on loopback stands in for it.
    etcd3: { hosts: [m.etcd] },
    // POD_IP:8008 in a pod; members share 127.0.0.1 here, so each gets its own free port.
    restapi: { listen: `127.0.0.1:${m.apiPort}`, connect_address: `127.0.0.1:${m.apiPort}` },
    postgresql: {
      // POD_IP:5432 in a pod: same reason, one free port each.
      listen: `127.0.0.1:${m.pgPort}`,
      connect_address: `127.0.0.1:${m.pgPort}`,
      // PGDATA on the pod's volume; a temporary directory per member here.
      data_dir: m.dataDir,
      // ~/.pgpass of the postgres user in a pod; the members share that user here.
      pgpass: join(m.dir, 'pgpass'),
      // In a pod Spilo sets no socket directory: the server's compiled-in default /var/run/postgresql
      // (configure_spilo.py main() creates /run/postgresql) is also libpq's default, and Patroni then
      // connects without a host (v4.0.4 patroni/postgresql/config.py
      // ConfigHandler.resolve_connection_addresses). Members share the host here, and the socket of
      // another server on this machine must never be ours, so each member has its own directory;
      // Patroni then takes it as the host of both socket connections. Either way the connections
      // arrive over a Unix socket and pg_hba matches them with `local` rules.
      parameters: { unix_socket_directories: m.dir },
    },
  };
}

/**
 * Stand-in for Spilo's replica method `basebackup_fast_xlog` (TEMPLATE `postgresql.basebackup_fast_xlog`:
 * `/scripts/basebackup.sh`, which runs pg_basebackup from the `--connstring` Patroni passes and fetches
 * the WAL alongside), which a standby cluster's `standby_cluster.create_replica_methods` names. The rig
 * has no Spilo image, so this script runs pg_basebackup with the WAL streamed, from the same arguments
 * (Patroni v4.0.4 patroni/postgresql/bootstrap.py `Bootstrap.create_replica`: `--scope`, `--role`,
 * `--datadir`, `--connstring`, and the source's password in the PGPASSFILE it writes).
 */
export const BASEBACKUP_STANDIN = [
  '#!/bin/bash',
  'for arg in "$@"; do case "$arg" in --datadir=*) DATADIR="${arg#*=}";; --connstring=*) CONNSTR="${arg#*=}";; esac; done',
  '[[ -n "$DATADIR" && -n "$CONNSTR" ]] || exit 1',
  'rm -rf "$DATADIR"',
  `exec ${PG_BIN_DIR}/pg_basebackup --pgdata="$DATADIR" --dbname="$CONNSTR" --wal-method=stream --checkpoint=fast`,
  '',
].join('\n');

/** Where a member's copy of {@link BASEBACKUP_STANDIN} is. */
export const basebackupStandinPath = (m: MemberPlacement): string => join(m.dir, 'basebackup_fast_xlog.sh');

/** A standby cluster's replica method, as Spilo defines it, pointing at the stand-in. */
function standbyValues(rendered: Doc, m: MemberPlacement): Doc {
  const dcs = isDoc(rendered['bootstrap']) ? rendered['bootstrap']['dcs'] : undefined;
  if (!isDoc(dcs) || !isDoc(dcs['standby_cluster'])) return {};
  return {
    postgresql: { basebackup_fast_xlog: { command: `bash ${basebackupStandinPath(m)}`, retries: 2 } },
  };
}

/** The Patroni YAML (as JSON, which YAML reads) of one member. */
export function patroniConfig(source: RigSource, m: MemberPlacement): Doc {
  // The Kubernetes DCS section, if pgmeta ever renders one, is replaced by etcd3 (see loopbackValues).
  const { kubernetes: _kubernetes, ...rendered } = source.spilo;
  const template = deepMerge(spiloTemplateValues(source), standbyValues(rendered, m));
  return deepMerge(deepMerge(template, rendered), loopbackValues(m));
}
