/**
 * `spec.standby` → what the environment, the Patroni configuration and the status render from.
 * The source archive is found as a restore source is (backup/resolve.ts `sourceArchivePath`), for the
 * cluster's own major: a standby replays the source's WAL, so both run the same major.
 */
import { location, resolveDestination, resolveEncryption, sourceArchivePath } from '../backup/resolve.js';
import type { ClusterIdentity } from '../spec/resolved.js';
import type { ResolvedStandby, StandbySpec } from './types.js';

/** PostgreSQL's port, when `spec.standby.port` is not given (the CRD defaults it too). */
export const DEFAULT_STANDBY_PORT = 5432;

/** `spec.standby` resolved for a cluster of `major`. */
export function resolveStandby(id: ClusterIdentity, spec: StandbySpec, major: string): ResolvedStandby {
  const { host, port, archive, credentials: c } = spec;
  const path = archive ? sourceArchivePath(id, archive) : undefined;
  return {
    ...(host === undefined ? {} : { streaming: { host, port: port ?? DEFAULT_STANDBY_PORT } }),
    ...(archive && path !== undefined
      ? {
          archive: {
            ...location(resolveDestination(archive), path, major),
            scope: archive.cluster?.name ?? 'source',
            ...resolveEncryption(spec.encryption),
          },
        }
      : {}),
    credentials: {
      superuser: c.superuserSecret.name,
      replication: c.replicationSecret.name,
      app: c.appSecret.name,
    },
  };
}
