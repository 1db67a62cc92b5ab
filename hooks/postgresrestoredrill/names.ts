/**
 * Names of what a PostgresRestoreDrill creates. The temporary cluster is named from the drill's UID
 * only (`pgdrill-<10 hex>`), so it never shares a name, a Secret, a Service, Patroni's DCS objects or
 * an archive path with the cluster it restores, nor with a drill of the same name run before.
 */
import { createHash } from 'node:crypto';

const hash = (text: string): string => createHash('sha256').update(text).digest('hex');

/** The temporary PostgresCluster (a DNS-1035 label of 18 characters, within the 40 a cluster may have). */
export function drillClusterName(drillUid: string): string {
  return `pgdrill-${hash(`pgmeta.io/postgresrestoredrill/${drillUid}`).slice(0, 10)}`;
}

/** The check Job: it waits for the temporary cluster, measures, checks. */
export function drillJobName(drillUid: string): string {
  return `${drillClusterName(drillUid)}-check`;
}

/** Label on the check Job's pods, with the drill's name: the customize hook selects them by it. */
export const DRILL_LABEL = 'pgmeta.io/postgresrestoredrill';

/** `app.kubernetes.io/component` of the check Job and its pods. */
export const DRILL_COMPONENT = 'restore-drill';
