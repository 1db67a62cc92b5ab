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
      // Spilo: /usr/lib/postgresql/<PGVERSION>/bin; Debian's postgresql-15 uses the same layout.
      bin_dir: PG_BIN_DIR,
    },
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
      // /var/run/postgresql in each pod; members share the host here, and the socket of another
      // server on this machine must never be ours.
      parameters: { unix_socket_directories: m.dir },
    },
  };
}

/** The Patroni YAML (as JSON, which YAML reads) of one member. */
export function patroniConfig(source: RigSource, m: MemberPlacement): Doc {
  // The Kubernetes DCS section, if pgmeta ever renders one, is replaced by etcd3 (see loopbackValues).
  const { kubernetes: _kubernetes, ...rendered } = source.spilo;
  return deepMerge(deepMerge(spiloTemplateValues(source), rendered), loopbackValues(m));
}
