/**
 * PostgreSQL's log settings and the JSON log follower, rendered from `spec.logging`.
 *
 * What reaches the pod's output today: Spilo's runit service runs Patroni with stderr joined to
 * stdout (postgres-appliance/runit/patroni/run, `exec 2>&1`), and runsvdir, started by launch.sh,
 * passes it to the container's output. Patroni starts the postmaster with `subprocess.Popen` and no
 * redirection (patroni/postgresql/postmaster.py `pg_ctl_start`), so the postmaster's stderr is the
 * container's output too. Spilo's template (scripts/configure_spilo.py TEMPLATE) turns the logging
 * collector on with `log_destination: csvlog` into `../pg_log`, so only the collector's start message
 * reaches it and the log itself goes to files on the volume.
 *
 * - text to stdout: the collector off and `log_destination=stderr`: every message goes to the
 *   postmaster's stderr, hence to `kubectl logs <pod> -c postgres`, between Patroni's lines.
 * - json to stdout: PostgreSQL writes jsonlog only through the collector (without it, elog.c
 *   `send_message_to_server_log` falls back to plain text on stderr), so the collector writes jsonlog
 *   files on the volume as usual and a `postgres-log` container follows the current one.
 * - files: the collector stays on (Spilo's) with the chosen format; csv is Spilo's own, so nothing.
 * @see docs/logging.md
 */
import type { V1Container } from '@kubernetes/client-node';
import type { Plain } from '../../lib/k8s.js';
import type { ResolvedLogging } from '../spec/logging.js';
import type { ResolvedCluster } from '../spec/resolved.js';
import { LOG_FOLLOWER_SCRIPT } from './log-follower.js';

/** The local PostgreSQL parameters of a logging choice; none for Spilo's CSV files. */
export function loggingParameters(logging: ResolvedLogging | undefined): Record<string, string> {
  if (logging === undefined) return {};
  const { destination, format } = logging;
  if (destination === 'stdout' && format === 'text') {
    return { log_destination: 'stderr', logging_collector: 'off' };
  }
  switch (format) {
    case 'json':
      return { log_destination: 'jsonlog' };
    case 'text':
      return { log_destination: 'stderr' };
    case 'csv':
      return {};
  }
}

/** Name of the container that prints the JSON log (stdout + json only). */
export const LOG_CONTAINER = 'postgres-log';

/**
 * The follower reads a few lines a second: a small request, and limits that bound it (a Python
 * interpreter needs about 10 MiB) so it can never starve PostgreSQL.
 */
export const LOG_FOLLOWER_RESOURCES = {
  requests: { cpu: '10m', memory: '16Mi' },
  limits: { cpu: '100m', memory: '64Mi' },
} as const;

/**
 * The `postgres-log` container, when the JSON log goes to stdout: the Spilo image's python3 (no
 * other image to pull or mirror), as the pod's non-root user, the data volume read-only.
 */
export function logFollowerContainers(
  cluster: ResolvedCluster,
  mount: { volume: string; mountPath: string; pgdata: string },
): Plain<V1Container>[] {
  const logging = cluster.logging;
  if (logging?.destination !== 'stdout' || logging.format !== 'json') return [];
  return [
    {
      name: LOG_CONTAINER,
      image: cluster.image,
      command: ['python3', '-c', LOG_FOLLOWER_SCRIPT, mount.pgdata],
      resources: structuredClone(LOG_FOLLOWER_RESOURCES),
      securityContext: {
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        readOnlyRootFilesystem: true,
      },
      volumeMounts: [{ name: mount.volume, mountPath: mount.mountPath, readOnly: true }],
    },
  ];
}
