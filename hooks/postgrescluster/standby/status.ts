/**
 * The standby part of a cluster's status, from observed objects only: `status.standby` (the source,
 * the standby leader, how it replays and the WAL position it reached) and the `Standby` condition,
 * also while a promotion is under way (the spec has no standby, Patroni's configuration still has).
 *
 * The leader is the lock holder (`leader` annotation of `<scope>`); its `replication_state` and
 * `xlog_location` come from the `status` annotation Patroni writes on its pod (Patroni v4.0.4 ha.py
 * `Ha.touch_member`; postgresql/__init__.py `Postgresql.replication_state_from_parameters`:
 * `streaming` when the walreceiver streams, else `in archive recovery` when a restore_command is set;
 * `Postgresql.timeline_wal_position`: `xlog_location` is the greater of received and replayed).
 */
import type { ConditionInput } from '../../lib/conditions.js';
import type { KubeObject } from '../../lib/k8s.js';
import type { ObservedMember } from '../observe.js';
import { dcsStandbySection } from './observed.js';
import type { ResolvedStandby } from './types.js';

export interface StandbyStatus {
  source: { host?: string; port?: number; archive?: string };
  /** The standby leader (the lock holder). */
  leader?: string;
  /** `streaming` or `in archive recovery`, as its Patroni reports. */
  replicationState?: string;
  /** The WAL position the leader has received or replayed, as an LSN (`0/3000060`). */
  walPosition?: string;
}

export interface StandbyInput {
  standby?: ResolvedStandby;
  /** Missing Secrets or keys the standby reads (backup/secrets.ts, purpose `standby`). */
  problems?: readonly { reason: string; message: string }[];
  members: readonly ObservedMember[];
  leaderEndpoints?: KubeObject;
  configEndpoints?: KubeObject;
}

/** PostgreSQL's text form of a WAL position. */
export function lsnText(position: number): string {
  const high = Math.floor(position / 2 ** 32);
  const low = position - high * 2 ** 32;
  return `${high.toString(16).toUpperCase()}/${low.toString(16).toUpperCase()}`;
}

function leaderOf(input: StandbyInput): ObservedMember | undefined {
  const holder = input.leaderEndpoints?.metadata.annotations?.['leader'];
  return holder ? input.members.find((m) => m.name === holder && !m.terminating) : undefined;
}

function sourceOf(s: ResolvedStandby): StandbyStatus['source'] {
  return {
    ...(s.streaming ? { host: s.streaming.host, port: s.streaming.port } : {}),
    ...(s.archive ? { archive: s.archive.prefix } : {}),
  };
}

/** `status.standby`: present while the spec has a standby. */
export function standbyStatus(input: StandbyInput): StandbyStatus | undefined {
  if (!input.standby) return undefined;
  const leader = leaderOf(input);
  return {
    source: sourceOf(input.standby),
    ...(leader ? { leader: leader.name } : {}),
    ...(leader?.replicationState ? { replicationState: leader.replicationState } : {}),
    ...(leader?.walPosition === undefined ? {} : { walPosition: lsnText(leader.walPosition) }),
  };
}

const condition = (status: 'True' | 'False', reason: string, message: string): ConditionInput => ({
  type: 'Standby',
  status,
  reason,
  message,
});

/** The `Standby` condition; absent for a cluster that is not, and is not becoming, a primary of its own. */
export function standbyCondition(input: StandbyInput): ConditionInput | undefined {
  const inDcs = dcsStandbySection(input.configEndpoints) !== undefined;
  if (!input.standby) {
    return inDcs
      ? condition(
          'False',
          'Promoting',
          "spec.standby was removed: the parameter Job removes standby_cluster from Patroni's configuration, then the standby leader promotes",
        )
      : undefined;
  }
  const missing = input.problems?.[0];
  if (missing) {
    const message = (input.problems ?? []).map((p) => p.message).join('; ');
    return condition('False', missing.reason, `${message}: a new standby is not created before they exist`);
  }
  const leader = leaderOf(input);
  if (!leader) return condition('False', 'WaitingForLeader', 'no standby leader holds the lock yet');
  if (leader.replicationState === 'streaming')
    return condition('True', 'Streaming', `${leader.name} streams from the source and replays its WAL`);
  if (leader.replicationState === 'in archive recovery')
    return condition('True', 'ArchiveRecovery', `${leader.name} replays WAL from the source's archive`);
  return condition(
    'False',
    'NotReplaying',
    `${leader.name} neither streams nor replays from the archive yet`,
  );
}
