/**
 * The floor server as its own process, like the hook service: `PORT` and `FLOOR_RESPONSE_FILE`
 * (the precomputed body) from the environment; stops on SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { createFloorApp } from './floor';

const response = readFileSync(process.env['FLOOR_RESPONSE_FILE'] ?? '', 'utf8');
const server = createFloorApp({ response }).listen(Number(process.env['PORT']), '127.0.0.1');
server.keepAliveTimeout = 95_000;
process.once('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
