/**
 * The check Job of a restore drill: the check program (script.ts) in the temporary cluster's Spilo
 * image, connected to the temporary cluster's primary Service as its superuser (the cluster's own
 * Secret, never the source's: the drill cluster has its own names; the user's query runs as a
 * read-only role the program makes, see script.ts). It calls no Kubernetes API, so it
 * has no ServiceAccount token. `activeDeadlineSeconds` is the drill's timeout: the Job controller ends
 * a restore that never becomes ready, so the hook needs no clock (verdict.ts).
 */
import type { V1Job } from '@kubernetes/client-node';
import type { Child } from '../lib/k8s.js';
import { jobScheduling, jobSpec } from '../postgrescluster/children/job-template.js';
import { superuserEnv } from '../postgrescluster/children/psql-job.js';
import { commonLabels, LABELS } from '../postgrescluster/names.js';
import type { ResolvedCluster } from '../postgrescluster/spec/resolved.js';
import { type EnvVar, envValue, sortEnv } from '../postgrescluster/spilo/env.js';
import { DRILL_COMPONENT, DRILL_LABEL } from './names.js';
import { DRILL_SCRIPT } from './script.js';
import type { DrillObjectSpec } from './spec.js';

/** The check program's container: the verdict reads its termination message. */
export const CHECK_CONTAINER = 'check';

export interface DrillJobInput {
  name: string;
  /** The PostgresRestoreDrill's name (label on the pods, so the customize hook finds them). */
  drillName: string;
  /** The temporary cluster, resolved. */
  cluster: ResolvedCluster;
  spec: DrillObjectSpec;
}

function checkEnv({ cluster, spec }: DrillJobInput): EnvVar[] {
  return sortEnv([
    envValue('AMCHECK_SAMPLE', String(spec.checks.amcheckSample)),
    envValue('DRILL_DATABASE', spec.checks.database ?? cluster.bootstrap.database),
    envValue('EXPECT', spec.checks.expect),
    envValue('QUERY', spec.checks.query ?? ''),
    envValue('TERMINATION_LOG', '/dev/termination-log'),
    ...superuserEnv(cluster, { appName: 'pgmeta-restore-drill' }),
  ]);
}

/** One attempt (backoffLimit 0): a failed check is the drill's answer, not something to retry. */
export function buildDrillJob(input: DrillJobInput): Child<V1Job> {
  const { cluster } = input;
  // Component `restore-drill`: never the database pods' selector, so the temporary cluster's
  // Services and Patroni never count this pod as a member.
  const podLabels = {
    ...commonLabels(cluster, 'database'),
    [LABELS.component]: DRILL_COMPONENT,
    [DRILL_LABEL]: input.drillName,
  };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: input.name, labels: { ...podLabels } },
    spec: jobSpec({
      labels: podLabels,
      limits: { backoffLimit: 0, activeDeadlineSeconds: input.spec.timeoutSeconds },
      pod: { restartPolicy: 'Never', ...jobScheduling(cluster) },
      container: {
        name: CHECK_CONTAINER,
        image: cluster.image,
        command: ['/bin/bash', '-c', DRILL_SCRIPT],
        env: checkEnv(input),
        memoryRequest: '64Mi',
        // A program that dies before printing its line (psql missing) still explains itself.
        terminationMessagePolicy: 'FallbackToLogsOnError',
      },
    }),
  };
}
