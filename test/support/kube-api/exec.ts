/**
 * `pods/NAME/exec` over WebSocket, as the API server proxies it to the kubelet: the client offers
 * `v5.channel.k8s.io` down to `channel.k8s.io` (Sec-WebSocket-Protocol); this server takes v5 or v4.
 * Every binary message starts with a channel byte: 0 stdin, 1 stdout, 2 stderr, 3 error (a JSON
 * `Status` when the command ends: `Success`, or `Failure` with reason `NonZeroExitCode` and the exit
 * code as a cause `ExitCode`), 4 terminal resize (JSON {Width, Height}), and in v5 only 255 "close"
 * with the channel that the peer closed (k8s.io/apimachinery pkg/util/remotecommand constants.go and
 * k8s.io/client-go tools/remotecommand v4.go / v5.go; kubelet cri streaming `writeStatus`).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { createRequire } from 'node:module';
import type { KubeObject } from '../../../hooks/lib/k8s';

export const CHANNEL = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 } as const;
export const EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'] as const;

/** What a test's fake container does with one exec. */
export type ExecHandler = (
  call: { pod: KubeObject; container: string; command: string[]; tty: boolean },
  io: ExecIo,
) => Promise<number>;

export interface ExecIo {
  stdout(data: string | Buffer): void;
  stderr(data: string | Buffer): void;
  /** Everything the client sent on stdin until it closed it (v5) or the socket. */
  stdin(): Promise<Buffer>;
  resizes: { Width: number; Height: number }[];
}

interface Socket {
  protocol: string;
  send(data: Buffer, cb?: () => void): void;
  close(code?: number): void;
  on(event: 'message', cb: (data: Buffer, isBinary: boolean) => void): void;
  on(event: 'close', cb: () => void): void;
}

interface WsServer {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, cb: (ws: Socket) => void): void;
}

// `ws` is @kubernetes/client-node's own WebSocket library; it has no types in this project.
const WebSocketServer = (createRequire(__filename)('ws') as { WebSocketServer: new (o: object) => WsServer })
  .WebSocketServer;

export function execServer(): WsServer {
  return new WebSocketServer({
    noServer: true,
    handleProtocols: (offered: Set<string>) => EXEC_PROTOCOLS.find((p) => offered.has(p)) ?? false,
  });
}

function frame(channel: number, data: string | Buffer): Buffer {
  return Buffer.concat([Buffer.from([channel]), Buffer.isBuffer(data) ? data : Buffer.from(data)]);
}

/** Runs one exec on an upgraded socket and ends it with the status the kubelet would send. */
export function runExec(
  ws: Socket,
  o: {
    pod: KubeObject;
    container: string;
    command: string[];
    tty: boolean;
    stdin: boolean;
    handler: ExecHandler;
  },
): void {
  const chunks: Buffer[] = [];
  const resizes: ExecIo['resizes'] = [];
  let stdinDone: () => void = () => undefined;
  const stdinClosed = new Promise<void>((r) => (stdinDone = r));
  // Without `stdin=true` in the request the command gets no stdin at all: EOF at once.
  if (!o.stdin) stdinDone();
  ws.on('message', (data) => {
    const channel = data[0];
    const body = data.subarray(1);
    if (channel === CHANNEL.stdin) chunks.push(Buffer.from(body));
    else if (channel === CHANNEL.resize)
      resizes.push(JSON.parse(body.toString()) as ExecIo['resizes'][number]);
    else if (channel === CHANNEL.close && body[0] === CHANNEL.stdin && ws.protocol === 'v5.channel.k8s.io')
      stdinDone();
  });
  ws.on('close', () => {
    stdinDone();
  });
  const io: ExecIo = {
    stdout: (d) => {
      ws.send(frame(CHANNEL.stdout, d));
    },
    stderr: (d) => {
      ws.send(frame(CHANNEL.stderr, d));
    },
    stdin: async () => {
      await stdinClosed;
      return Buffer.concat(chunks);
    },
    resizes,
  };
  void o.handler({ pod: o.pod, container: o.container, command: o.command, tty: o.tty }, io).then((code) => {
    const status =
      code === 0
        ? { metadata: {}, status: 'Success' }
        : {
            metadata: {},
            status: 'Failure',
            message: `command terminated with non-zero exit code: exit status ${code}`,
            reason: 'NonZeroExitCode',
            details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
          };
    ws.send(frame(CHANNEL.error, JSON.stringify(status)), () => {
      ws.close(1000);
    });
  });
}
