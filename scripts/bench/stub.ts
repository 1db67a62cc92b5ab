/**
 * The hook service with a zero-cost PostgresCluster hook: the real `createApp` (auth check, body
 * parser, response builder, ETag, metrics, one info log line per request) around a `sync` that
 * returns a precomputed desired state. Between the floor and the real service, it splits the gap
 * into the service's own cost and the cluster logic's.
 */
import type { Logger } from 'pino';
import type { DesiredState } from '../../hooks/metacontroller/types';
import { postgresClusterController } from '../../hooks/postgrescluster/controller';
import { createApp } from '../../hooks/server';

export function createZeroCostHookApp(desired: DesiredState, logger: Logger): ReturnType<typeof createApp> {
  return createApp({
    controllers: [{ ...postgresClusterController, sync: () => desired }],
    logger,
    now: () => new Date().toISOString(),
    operatorKey: new Uint8Array(32),
  });
}
