/**
 * How pgmeta applies a change of DCS-only PostgreSQL parameters to a running cluster, as pure functions.
 *
 * Patroni ignores local values for the parameters it keeps in the DCS (`max_connections`,
 * `max_wal_senders`, ...; see `spilo/parameters.ts`), so editing `SPILO_CONFIGURATION` changes nothing
 * after bootstrap. The change goes through Patroni's REST API instead:
 *
 * 1. `PATCH /config` with {@link dcsParametersPatch}: every member picks the new values up in its next
 *    HA loop and, for parameters that need a restart, reports `pending_restart` in `GET /cluster`;
 * 2. `POST /restart` (body {@link RESTART_REQUEST}) on each member {@link planRestarts} returns, one at a
 *    time, in that order.
 *
 * The functions here take and return plain JSON so that the Job that runs this procedure in a cluster
 * and the loopback test rig (`test/patroni`) execute exactly the same plan.
 *
 * @see https://patroni.readthedocs.io/en/latest/rest_api.html
 */

/** One member as Patroni's `GET /cluster` reports it (only the fields the plan reads). */
export interface PatroniMember {
  name: string;
  /** `leader`, `standby_leader`, `sync_standby`, `quorum_standby` (Patroni 4) or `replica`. */
  role: string;
  /** `running`, `streaming` (Patroni ≥ 3.0.4 for a replica), `starting`, `stopped`, `crashed`, ... */
  state: string;
  api_url?: string;
  pending_restart?: boolean;
}

/** The body of Patroni's `GET /cluster`. */
export interface PatroniCluster {
  members: PatroniMember[];
}

/** Why a member sits where it does in the restart order. */
export type RestartRole = 'replica' | 'synchronous' | 'leader';

/** One `POST /restart` to send. */
export interface RestartStep {
  member: string;
  /** Patroni REST base URL of the member, e.g. `http://10.0.0.5:8008/patroni`. */
  apiUrl: string;
  role: RestartRole;
}

/** The `PATCH /config` body that sets the DCS-only parameters. */
export interface DcsParametersPatch {
  postgresql: { parameters: Record<string, string | null> };
}

/**
 * Body of each `POST /restart`. `restart_pending` makes Patroni restart only a member that still needs
 * it, so re-running a plan built from a stale `/cluster` (a retried Job) never restarts a member twice.
 */
export const RESTART_REQUEST = { restart_pending: true } as const;

const LEADER_ROLES: ReadonlySet<string> = new Set(['leader', 'standby_leader', 'master', 'primary']);
const SYNCHRONOUS_ROLES: ReadonlySet<string> = new Set(['sync_standby', 'quorum_standby']);
/** States in which PostgreSQL is up: a stopped member applies the new values when it next starts. */
const UP_STATES: ReadonlySet<string> = new Set(['running', 'streaming']);
const ORDER: Readonly<Record<RestartRole, number>> = { replica: 0, synchronous: 1, leader: 2 };

function restartRole(member: PatroniMember): RestartRole {
  if (LEADER_ROLES.has(member.role)) return 'leader';
  if (SYNCHRONOUS_ROLES.has(member.role)) return 'synchronous';
  return 'replica';
}

/**
 * The members to restart, in order: asynchronous replicas, then synchronous standbys, then the leader.
 *
 * Replicas go first because a hot standby must run with `max_connections`, `max_worker_processes`, ...
 * at least as large as the primary's: raising them on the primary first would stop WAL replay on every
 * replica. (When a value is lowered, Patroni starts a replica with the primary's larger value from
 * `pg_controldata` and keeps `pending_restart` set, so a second plan after the leader's restart finishes
 * the job.) Synchronous standbys go after the asynchronous ones because restarting one blocks commits
 * until Patroni names another synchronous standby, and a restarted replica can take that role at once.
 * The leader goes last, and only once: restarting it is the one step clients notice.
 *
 * Only members that report `pending_restart`, are up and expose a REST URL are planned; ties are
 * broken by name so the same `/cluster` always gives the same plan.
 */
export function planRestarts(cluster: PatroniCluster): RestartStep[] {
  return cluster.members
    .flatMap((m) =>
      m.pending_restart === true && UP_STATES.has(m.state) && m.api_url !== undefined
        ? [{ member: m.name, apiUrl: m.api_url, role: restartRole(m) }]
        : [],
    )
    .sort(
      (a, b) => ORDER[a.role] - ORDER[b.role] || (a.member < b.member ? -1 : a.member > b.member ? 1 : 0),
    );
}

/**
 * The `PATCH /config` body that makes the DCS hold exactly `desired` for the parameters pgmeta manages.
 *
 * Patroni merges a PATCH into the stored configuration and deletes keys whose value is `null`, so a
 * parameter present in `previous` (what pgmeta applied last time) but absent from `desired` is sent as
 * `null`: without that, a parameter removed from the spec would keep its old value forever.
 */
export function dcsParametersPatch(
  desired: Readonly<Record<string, string>>,
  previous: Readonly<Record<string, string>> = {},
): DcsParametersPatch {
  // Sorted names: the same change always gives the same body (and the same hash in a Job's name).
  const wanted = new Map(Object.entries(desired)); // own keys only: no `constructor` from the prototype
  const names = [...new Set([...Object.keys(previous), ...wanted.keys()])].sort();
  return {
    postgresql: { parameters: Object.fromEntries(names.map((name) => [name, wanted.get(name) ?? null])) },
  };
}
