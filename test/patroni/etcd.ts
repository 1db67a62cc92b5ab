/**
 * A single-node etcd on loopback: the rig's DCS. In a Kubernetes cluster Patroni keeps its leader lock
 * and configuration in Endpoints through the API server, which these machines do not have; etcd v3 is
 * the DCS that Debian's Patroni and etcd-server give us, and Patroni's HA logic is the same over both.
 */
import { join } from 'node:path';
import { freePort } from '../support/pgbin.js';
import { ETCD_BIN } from './binaries.js';
import { makeServerDir, startProcess, stopProcess, type Proc } from './procs.js';
import { waitFor } from './wait.js';

export interface Etcd {
  /** `host:port` of the client endpoint, as Patroni's `etcd3.hosts` wants it. */
  endpoint: string;
  proc: Proc;
  stop(): Promise<void>;
}

/** Starts etcd with its data under `dir` and resolves once it reports itself healthy. */
export async function startEtcd(dir: string): Promise<Etcd> {
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const client = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const dataDir = makeServerDir(join(dir, 'etcd'));
  const proc = startProcess({
    name: 'etcd',
    command: ETCD_BIN,
    args: [
      '--name=rig',
      `--data-dir=${join(dataDir, 'data')}`,
      `--listen-client-urls=${client}`,
      `--advertise-client-urls=${client}`,
      `--listen-peer-urls=${peer}`,
      `--initial-advertise-peer-urls=${peer}`,
      `--initial-cluster=rig=${peer}`,
      '--initial-cluster-state=new',
    ],
    cwd: dataDir,
    logFile: join(dir, 'etcd.log'),
    env: { PATH: '/usr/bin:/bin', HOME: dataDir },
  });
  await waitFor(
    'etcd to report healthy',
    async () => {
      if (!proc.running()) throw new Error(`etcd exited, see ${proc.logFile}`);
      const res = await fetch(`${client}/health`, { signal: AbortSignal.timeout(2000) });
      return res.ok && ((await res.json()) as { health?: string }).health === 'true';
    },
    { timeoutMs: 30_000 },
  );
  return { endpoint: `127.0.0.1:${clientPort}`, proc, stop: () => stopProcess(proc, 5000) };
}
