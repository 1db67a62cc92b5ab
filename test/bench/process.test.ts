/**
 * The child-process plumbing the benchmark relies on: start a server, wait for /healthz, read its
 * RSS, probe its heap after a full GC, stop it. Bounded: one small server, a few seconds.
 */
import { join } from 'node:path';
import { HEAP_PROBE_ARGS, procCpuMs, procMemory, startServer } from '../../scripts/bench/procs';

const FLOOR_MAIN = join(__dirname, '..', '..', 'scripts', 'bench', 'floor-main.ts');

it('starts a server process, measures it, probes its heap and stops it', async () => {
  const server = await startServer({
    name: 'floor',
    args: [...HEAP_PROBE_ARGS, '--import', 'tsx', FLOOR_MAIN],
    env: { FLOOR_RESPONSE_FILE: __filename },
  });
  try {
    const res = await fetch(`http://127.0.0.1:${server.port}/postgrescluster/sync`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('The child-process plumbing');
    const mem = procMemory(server.pid);
    expect(mem.rssBytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(mem.peakBytes).toBeGreaterThanOrEqual(mem.rssBytes);
    expect(procCpuMs(server.pid)).toBeGreaterThan(0);
    const heap = await server.heapAfterGc();
    expect(heap).toBeGreaterThan(1024 * 1024);
    expect(heap).toBeLessThan(mem.rssBytes);
  } finally {
    await server.stop();
  }
  expect(() => procMemory(server.pid)).toThrow();
}, 30_000);

it('reports a server that does not start, with its stderr', async () => {
  await expect(
    startServer({
      name: 'broken',
      args: ['-e', 'console.error("no way"); process.exit(3)'],
      env: {},
      timeoutMs: 5000,
    }),
  ).rejects.toThrow(/broken did not start: exited with 3[\s\S]*no way/);
});
