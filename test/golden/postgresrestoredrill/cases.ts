/**
 * Golden scenarios of a restore drill: started (the temporary cluster and the check Job), restoring,
 * passed (the temporary cluster left out, so deleted), a failing check, a restore that never became
 * ready (the Job's deadline), cleaned up, and a source without an archive.
 */
import type { KubeObject } from '../../../hooks/lib/k8s';
import { applied } from '../../support/apiserver';
import { clusterWithStatus } from '../../support/backup-world';
import {
  checkLine,
  checkPod,
  configEndpoints,
  drillJobAt,
  postgresRestoreDrill,
  syncDrillWorld,
  type DrillJobStage,
  type DrillWorld,
} from '../../support/drill-world';
import { minioCluster } from '../backup/cases';

const SPEC = {
  clusterRef: { name: 'orders' },
  timeoutSeconds: 7200,
  checks: { query: 'SELECT count(*) > 0 FROM orders', expect: 't' },
};

const parent = () => postgresRestoreDrill('weekly-2026-47', SPEC);
const source = (): KubeObject => clusterWithStatus(minioCluster());

function started(): DrillWorld {
  return { parent: parent(), source: source(), config: configEndpoints('orders'), pods: [] };
}

/** The drill after its first sync, with the Job at `stage` and the temporary cluster present. */
function at(stage: DrillJobStage, o: { clusterGone?: boolean } = {}): DrillWorld & { job: KubeObject } {
  const w = started();
  const children = syncDrillWorld(w).children;
  const job = children.find((c) => c.kind === 'Job');
  const cluster = children.find((c) => c.kind === 'PostgresCluster');
  if (!job || !cluster) throw new Error('the hook did not start the drill');
  return {
    ...w,
    job: drillJobAt(job, w.parent, stage),
    ...(o.clusterGone ? {} : { cluster: applied(cluster, w.parent) }),
  };
}

export const CASES: Record<string, () => DrillWorld> = {
  started,

  restoring: () => {
    const w = at('running');
    return { ...w, pods: [checkPod(w.job, { running: true })] };
  },

  passed: () => {
    const w = at('succeeded');
    return { ...w, pods: [checkPod(w.job, { exitCode: 0, message: checkLine() })] };
  },

  'check-failed': () => {
    const w = at('failed');
    return { ...w, pods: [checkPod(w.job, { exitCode: 1, message: checkLine({ query: false }) })] };
  },

  'never-ready': () => at('deadline'),

  'cleaned-up': () => {
    const w = at('succeeded', { clusterGone: true });
    return { ...w, pods: [checkPod(w.job, { exitCode: 0, message: checkLine() })] };
  },

  'source-without-archive': () => {
    const { backup: _backup, ...spec } = source()['spec'] as Record<string, unknown>;
    return { parent: parent(), source: { ...source(), spec }, pods: [] };
  },
};
