/**
 * A hook app on a real loopback socket with the service's own server settings (hooks/http/listen.ts),
 * and a raw client that controls exactly what it sends: declared lengths, chunks, pauses.
 */
import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { RequestListener, Server } from 'node:http';
import { createHttpServer, DEFAULT_TIMEOUTS, listen, type ServerTimeouts } from '../../hooks/http/listen';

export interface Running {
  server: Server;
  port: number;
  /** Bytes the server read from each connection, recorded when the connection closes. */
  bytesRead: number[];
  close(): Promise<void>;
}

export async function serve(
  app: RequestListener,
  timeouts: ServerTimeouts = DEFAULT_TIMEOUTS,
): Promise<Running> {
  const server = createHttpServer(app, timeouts);
  const bytesRead: number[] = [];
  server.on('connection', (socket: Socket) => {
    socket.once('close', () => bytesRead.push(socket.bytesRead));
  });
  await listen(server, 0, '127.0.0.1');
  return {
    server,
    port: (server.address() as AddressInfo).port,
    bytesRead,
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => {
          done();
        });
      }),
  };
}

export interface RawResponse {
  status: number;
  head: string;
  /** Milliseconds from the first byte written to the status line read. */
  afterMs: number;
}

/** A client over a plain socket: the test writes the request bytes itself. */
export class RawClient {
  readonly socket: Socket;
  private readonly started = Date.now();
  private buffer = '';
  readonly closed: Promise<void>;
  readonly response: Promise<RawResponse>;

  constructor(port: number) {
    this.socket = connect(port, '127.0.0.1');
    this.socket.on('error', () => undefined);
    this.closed = new Promise((done) =>
      this.socket.once('close', () => {
        done();
      }),
    );
    this.response = new Promise((done, fail) => {
      this.socket.on('data', (d: Buffer) => {
        this.buffer += d.toString('latin1');
        const end = this.buffer.indexOf('\r\n\r\n');
        if (end >= 0) {
          const head = this.buffer.slice(0, end);
          done({ status: Number(head.split(' ')[1]), head, afterMs: Date.now() - this.started });
        }
      });
      this.socket.once('close', () => {
        fail(new Error(`closed without a response: ${this.buffer.slice(0, 200)}`));
      });
    });
    // A test that never awaits the response must not leave an unhandled rejection behind.
    this.response.catch(() => undefined);
  }

  /** Writes the request line and headers (and an optional first part of the body). */
  start(path: string, headers: Record<string, string | number>, body = ''): this {
    const lines = [
      `POST ${path} HTTP/1.1`,
      'Host: 127.0.0.1',
      ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    ];
    this.socket.write(`${lines.join('\r\n')}\r\n\r\n${body}`);
    return this;
  }

  /** Writes `total` bytes in `chunk`-sized writes, waiting for the socket to drain; stops once it closes. */
  async stream(total: number, chunk: number, frame: (b: Buffer) => Buffer = (b) => b): Promise<number> {
    let sent = 0;
    const piece = Buffer.alloc(chunk, 0x20);
    while (sent < total && !this.socket.destroyed && this.socket.writable) {
      const ok = this.socket.write(frame(piece));
      sent += chunk;
      if (!ok) await Promise.race([new Promise((r) => this.socket.once('drain', r)), this.closed]);
    }
    return sent;
  }
}

/** A chunk in HTTP/1.1 chunked transfer coding. */
export const chunked = (b: Buffer): Buffer =>
  Buffer.concat([Buffer.from(`${b.length.toString(16)}\r\n`), b, Buffer.from('\r\n')]);
