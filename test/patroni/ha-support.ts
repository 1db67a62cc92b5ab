/**
 * What the Patroni HA scenarios of ha.test.ts share: the rig once started and its superuser, the wait
 * for a healthy cluster, and the wrapper that adds the logs' tails to a failing scenario.
 */
import { readFileSync } from 'node:fs';
import type { RigCluster, RigMember } from './rest.js';
import { clusterState, leaderIn, memberNamed, query, type Rig } from './rig.js';
import { waitFor } from './wait.js';

export interface ReplicationRow extends Record<string, unknown> {
  application_name: string;
  usename: string;
  state: string;
  sync_state: string;
}

export const seconds = (ms: number): string => (ms / 1000).toFixed(1);

/** The last lines of every log of the rig, appended to a failure so CI shows what Patroni said. */
function logTails(rig: Rig | undefined): string {
  if (!rig) return '';
  const files = [...rig.members.map((m) => m.logFile), rig.etcd.proc.logFile];
  return files
    .map((f) => {
      try {
        return `--- ${f}\n${readFileSync(f, 'utf8').split('\n').slice(-25).join('\n')}`;
      } catch {
        return `--- ${f}: no log`;
      }
    })
    .join('\n');
}

export function isReplica(m: RigMember): boolean {
  return (m.role === 'replica' || m.role === 'sync_standby') && m.state === 'running';
}

/** The rig of a suite as its scenarios use it, built over the suite's `rig` variable. */
export interface HaRig {
  /** The started rig; throws when beforeAll could not start it. */
  r: () => Rig;
  superuser: () => Rig['source']['superuser'];
  /** Runs a scenario; on failure the logs' tails are added to the error. */
  scenario: (fn: () => Promise<void>) => () => Promise<void>;
  waitForHealthy: (expectedMembers: number, timeoutMs: number) => Promise<RigCluster>;
}

/** The HaRig over `current`, read at each call (the rig starts in beforeAll, after the tests are defined). */
export function haRig(current: () => Rig | undefined): HaRig {
  const r = (): Rig => {
    const rig = current();
    if (!rig) throw new Error('the rig did not start');
    return rig;
  };
  const superuser = (): Rig['source']['superuser'] => r().source.superuser;
  const scenario = (fn: () => Promise<void>) => async (): Promise<void> => {
    try {
      await fn();
    } catch (e) {
      if (e instanceof Error) e.message += `\n${logTails(current())}`;
      throw e;
    }
  };

  /**
   * Waits until the leader streams to every other member, `/cluster` agrees, and (the rig's cluster
   * has `synchronous: on`) Patroni has named one synchronous standby, which it does in the leader's
   * HA loop after a replica connects.
   */
  async function waitForHealthy(expectedMembers: number, timeoutMs: number): Promise<RigCluster> {
    return waitFor(
      `${expectedMembers} members, one leader and streaming replicas`,
      async () => {
        const cluster = await clusterState(r());
        const leader = leaderIn(cluster);
        const replicas = cluster.members.filter(isReplica);
        if (!leader || replicas.length !== expectedMembers - 1) return false;
        if (replicas.some((m) => m.timeline !== leader.timeline)) return false;
        const rows = await query<ReplicationRow>(
          memberNamed(r(), leader.name),
          superuser(),
          "SELECT application_name, usename, state, sync_state FROM pg_stat_replication WHERE state = 'streaming'",
        );
        const synchronous = rows.filter((x) => x.sync_state === 'sync').map((x) => x.application_name);
        const named = replicas.filter((m) => m.role === 'sync_standby').map((m) => m.name);
        return (
          rows.length === expectedMembers - 1 &&
          synchronous.length === 1 &&
          named[0] === synchronous[0] &&
          cluster
        );
      },
      { timeoutMs, intervalMs: 500 },
    );
  }

  return { r, superuser, scenario, waitForHealthy };
}
