/**
 * Running a day-2 Job's program on the rig as the Job would: its python3 program with `python3 -c`,
 * and the REST API credentials its rendered env (day2/job.ts, the builder every Patroni-calling Job
 * goes through) reads from the rendered Secrets, resolved as the kubelet would.
 */
import { spawn } from 'node:child_process';
import type { KubeObject } from '../../hooks/lib/k8s.js';
import { buildOperationJob } from '../../hooks/postgrescluster/day2/job.js';
import type { ResolvedCluster } from '../../hooks/postgrescluster/spec/resolved.js';
import { containerEnvValues, type RenderedEnvVar } from '../support/container-env.js';

/** The REST API credentials a Patroni-calling Job of `cluster` gets. */
export function jobApiEnv(cluster: ResolvedCluster, children: readonly KubeObject[]): Record<string, string> {
  const job = buildOperationJob(cluster, {
    ...{ operation: 'switchover', hash: 'rig', script: '', env: [], annotations: {} },
    ...{ deadlineSeconds: 60, patroniClient: true, kubernetesApi: false },
  }) as unknown as { spec: { template: { spec: { containers: { env: RenderedEnvVar[] }[] } } } };
  const env = job.spec.template.spec.containers[0]?.env ?? [];
  const secrets = children.filter((c) => c.kind === 'Secret');
  return Object.fromEntries(containerEnvValues(env, secrets));
}

/** Runs a Job's program with python3 -c, as the Job does; resolves with exit code and output. */
export function runJob(
  script: string,
  env: Record<string, string>,
  timeoutMs: number,
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn('python3', ['-c', script], {
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', POLL_SECONDS: '0.5', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}
