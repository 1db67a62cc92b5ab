/**
 * The zero-cost-hook service (stub.ts) as its own process: `PORT` and `STUB_RESPONSE_FILE` (the
 * precomputed response) from the environment, logs as hooks/main.ts does; stops on SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import type { DesiredState } from '../../hooks/metacontroller/types';
import { createZeroCostHookApp } from './stub';

const desired = JSON.parse(readFileSync(process.env['STUB_RESPONSE_FILE'] ?? '', 'utf8')) as DesiredState;
const logger = pino({ level: 'info', base: { service: 'pgmeta-hooks' } });
const server = createZeroCostHookApp(desired, logger).listen(Number(process.env['PORT']), '127.0.0.1');
server.keepAliveTimeout = 95_000;
process.once('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
