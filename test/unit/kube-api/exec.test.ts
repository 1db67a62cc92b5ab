/**
 * `pods/exec` framing at the byte level, with a bare WebSocket client: the server picks v5 when
 * offered, else v4; stdout arrives on channel 1, the final Status on channel 3 (NonZeroExitCode with
 * the code as cause ExitCode); in v5 a client closes stdin with [255, 0] and the command sees EOF.
 */
import { createRequire } from 'node:module';
import { KUBERNETES_RULES } from '../../lifecycle/lib/apiserver-rules';
import { SimClock } from '../../lifecycle/lib/clock';
import { ApiStore } from '../../lifecycle/lib/store';
import { KubeApiServer, type ExecHandler } from '../../support/kube-api';

interface Ws {
  protocol: string;
  on(e: 'message', cb: (d: Buffer) => void): void;
  on(e: 'open' | 'close', cb: () => void): void;
  on(e: 'unexpected-response', cb: (req: unknown, res: { statusCode: number }) => void): void;
  send(d: Buffer): void;
}
const WebSocket = createRequire(__filename)('ws') as new (url: string, protocols: string[]) => Ws;

let api: KubeApiServer;
const handler: ExecHandler = async (call, io) => {
  if (call.command[0] === 'cat') {
    io.stdout(await io.stdin());
    return 0;
  }
  io.stdout(`ran ${call.command.join(' ')} in ${call.pod.metadata.name}/${call.container}`);
  return 2;
};

beforeAll(async () => {
  const store = new ApiStore(new SimClock(), KUBERNETES_RULES);
  store.create(
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'db-0', namespace: 'shop' },
      spec: { containers: [{ name: 'postgres', image: 'x' }] },
    },
    'test',
  );
  api = await KubeApiServer.start(store, { exec: handler });
});
afterAll(async () => {
  await api.stop();
});

function session(query: string, protocols: string[], send: (ws: Ws) => void = () => undefined) {
  const url = `${api.url.replace('http', 'ws')}/api/v1/namespaces/shop/pods/db-0/exec?${query}`;
  const ws = new WebSocket(url, protocols);
  const frames: [number, string][] = [];
  return new Promise<{ protocol: string; frames: [number, string][] }>((resolve, reject) => {
    ws.on('open', () => {
      send(ws);
    });
    ws.on('message', (d) => frames.push([d[0]!, d.subarray(1).toString()]));
    ws.on('close', () => {
      resolve({ protocol: ws.protocol, frames });
    });
    ws.on('unexpected-response', (_req, res) => {
      reject(new Error(`HTTP ${res.statusCode}`));
    });
  });
}

it('v4: stdout on channel 1, then the exit status on channel 3', async () => {
  const r = await session('command=psql&command=-c&command=select%201&container=postgres&stdout=true', [
    'v4.channel.k8s.io',
  ]);
  expect(r.protocol).toBe('v4.channel.k8s.io');
  expect(r.frames[0]).toEqual([1, 'ran psql -c select 1 in db-0/postgres']);
  expect(r.frames[1]![0]).toBe(3);
  expect(JSON.parse(r.frames[1]![1])).toMatchObject({
    status: 'Failure',
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: '2' }] },
  });
});

it('v5 preferred; stdin on channel 0 ends with the close frame [255, 0]', async () => {
  const r = await session(
    'command=cat&stdin=true&stdout=true',
    ['v5.channel.k8s.io', 'v4.channel.k8s.io'],
    (ws) => {
      ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('hello')]));
      ws.send(Buffer.from([255, 0]));
    },
  );
  expect(r.protocol).toBe('v5.channel.k8s.io');
  expect(r.frames).toEqual([
    [1, 'hello'],
    [3, JSON.stringify({ metadata: {}, status: 'Success' })],
  ]);
});

it('refuses an unknown container before upgrading', async () => {
  await expect(session('command=ls&container=nope', ['v5.channel.k8s.io'])).rejects.toThrow('HTTP 400');
});
