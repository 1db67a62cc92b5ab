/**
 * The real hook service (createApp from hooks/server.ts with every controller of hooks/controllers.ts)
 * listening on 127.0.0.1 with an ephemeral port, and a small JSON client for it. The emulator calls
 * it over HTTP exactly as Metacontroller would; only the clock is the scenario's.
 */
import { Agent, createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { CONTROLLERS } from '../../../hooks/controllers';
import type { ImageSettings } from '../../../hooks/lib/context';
import type { ControllerDef } from '../../../hooks/metacontroller/controller';
import { createApp } from '../../../hooks/server';

export interface HookAnswer {
  status: number;
  body: unknown;
}

/** An answer with the response headers (lower-case names), for the emulator's ETag cache. */
export interface RawHookAnswer extends HookAnswer {
  headers: Record<string, string | undefined>;
}

export class HookServer {
  private server: Server | undefined;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 4 });
  /** The time the hooks see; the scenario points it at its clock. */
  now: () => string = () => '2026-11-21T10:00:00Z';
  /** The install's images the hooks see (the images file); a scenario changes them to model an upgrade. */
  images: ImageSettings | undefined = undefined;
  /** Counts calls per path, for tests of the emulator itself. */
  readonly calls = new Map<string, number>();
  /**
   * CPU the service spent per path (microseconds, user + system, `process.cpuUsage` from the request's
   * arrival to the response's end): the emulator awaits each call, so nothing else runs meanwhile.
   * The fleet benchmark (scripts/bench/fleet-sample.ts) reads it; `cpuSamples` keeps each call's.
   */
  readonly cpu = new Map<string, { calls: number; micros: number }>();
  cpuSamples: { path: string; micros: number }[] | undefined;

  private readonly controllers: readonly ControllerDef[];
  /** Bytes of the service's answer memo (hooks/http/answer-memo.ts); undefined: its default. */
  private readonly answerMemoBytes: number | undefined;

  constructor(controllers: readonly ControllerDef[] = CONTROLLERS, o: { answerMemoBytes?: number } = {}) {
    this.controllers = controllers;
    this.answerMemoBytes = o.answerMemoBytes;
  }

  async start(): Promise<void> {
    const app = createApp({
      controllers: this.controllers,
      logger: pino({ level: 'silent' }),
      now: () => this.now(),
      operatorKey: new Uint8Array(32).fill(42),
      images: () => this.images,
      ...(this.answerMemoBytes === undefined ? {} : { answerMemoBytes: this.answerMemoBytes }),
    });
    const server = createServer((req, res) => {
      const start = process.cpuUsage();
      res.once('finish', () => {
        this.account(req.url ?? '', process.cpuUsage(start));
      });
      app(req, res);
    });
    this.server = await new Promise<Server>((resolve, reject) => {
      server.listen(0, '127.0.0.1', () => {
        resolve(server);
      });
      server.once('error', reject);
    });
    // The client keeps sockets alive with no idle limit; a server closing an idle one after its default
    // 5 s can race a new request on it (read ECONNRESET), which a scenario idle for a few seconds (a CLI
    // test waiting on a child process) hit. stop() closes every connection.
    this.server.keepAliveTimeout = 0;
  }

  private account(path: string, used: NodeJS.CpuUsage): void {
    const micros = used.user + used.system;
    const acc = this.cpu.get(path) ?? { calls: 0, micros: 0 };
    this.cpu.set(path, { calls: acc.calls + 1, micros: acc.micros + micros });
    this.cpuSamples?.push({ path, micros });
  }

  get port(): number {
    const addr = this.server?.address() as AddressInfo | null;
    if (!addr) throw new Error('hook server not started');
    return addr.port;
  }

  /** POSTs JSON to a path of the hook service; resolves with the status and parsed body. */
  async post(path: string, body: unknown): Promise<HookAnswer> {
    const { status, body: answer } = await this.postRaw(path, body);
    return { status, body: answer };
  }

  /** As `post`, with extra request headers, and the response headers in the answer. */
  async postRaw(path: string, body: unknown, extra: Record<string, string> = {}): Promise<RawHookAnswer> {
    this.calls.set(path, (this.calls.get(path) ?? 0) + 1);
    const payload = Buffer.from(JSON.stringify(body));
    return new Promise<RawHookAnswer>((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port: this.port,
          path,
          method: 'POST',
          agent: this.agent,
          headers: { ...extra, 'content-type': 'application/json', 'content-length': payload.length },
          timeout: 10_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = JSON.parse(text);
            } catch {
              // Metacontroller treats an unreadable body as a failed call; keep the text for the trace.
            }
            const headers = { etag: res.headers.etag };
            resolve({ status: res.statusCode ?? 0, body: parsed, headers });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`hook ${path} timed out`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  async stop(): Promise<void> {
    this.agent.destroy();
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    await new Promise<void>((resolve) => {
      s.closeAllConnections();
      s.close(() => {
        resolve();
      });
    });
  }
}
