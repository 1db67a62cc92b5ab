/**
 * One exec through @kubernetes/client-node's `Exec` (WebSocket, channel.k8s.io v5/v4): the process's
 * stdin, stdout and stderr wired to the remote command, a TTY in raw mode when stdin is a terminal,
 * and the exit code read from the final Status on the error channel (`Success`, or `NonZeroExitCode`
 * with the code as cause `ExitCode`).
 */
import type { Readable, Writable } from 'node:stream';
import { CliError } from '../main.js';
import type { Kube } from '../kube/client.js';

interface ExecStatus {
  status?: string;
  message?: string;
  reason?: string;
  details?: { causes?: { reason?: string; message?: string }[] };
}

export function exitCodeOf(s: ExecStatus): number {
  if (s.status === 'Success') return 0;
  const cause = s.details?.causes?.find((c) => c.reason === 'ExitCode');
  const code = Number(cause?.message);
  return Number.isInteger(code) && code > 0 ? code : 1;
}

interface Streams {
  stdout: Writable;
  stderr: Writable;
  stdin: Readable | null;
  tty: boolean;
}

/** One exec with the given streams; resolves with the remote exit code. */
export function execWith(
  kube: Kube,
  o: { pod: string; container: string; command: string[]; io: Streams },
): Promise<number> {
  const { stdout, stderr, stdin, tty } = o.io;
  return new Promise<number>((resolve, reject) => {
    let status: ExecStatus | undefined;
    const done = (): void => {
      if (!status) {
        reject(new CliError(`the connection to ${o.pod} closed without an exit status`));
        return;
      }
      if (status.status !== 'Success' && status.reason !== 'NonZeroExitCode')
        stderr.write(`error: ${status.message ?? 'exec failed'}\n`);
      resolve(exitCodeOf(status));
    };
    new kube.k8s.Exec(kube.kc)
      .exec(kube.namespace, o.pod, o.container, o.command, stdout, stderr, stdin, tty, (s) => {
        status = s;
      })
      .then(
        (ws: { on(event: 'close', cb: () => void): void }) => {
          ws.on('close', done);
        },
        (e: unknown) => {
          reject(new CliError(`cannot exec in pod ${o.pod}: ${e instanceof Error ? e.message : String(e)}`));
        },
      );
  });
}

/** An interactive exec: this process's stdin, stdout and stderr, a raw TTY when stdin is a terminal. */
export async function runExec(
  kube: Kube,
  o: { pod: string; container: string; command: string[] },
): Promise<number> {
  const stdin = process.stdin;
  const tty = stdin.isTTY;
  if (tty) stdin.setRawMode(true);
  try {
    return await execWith(kube, { ...o, io: { stdout: process.stdout, stderr: process.stderr, stdin, tty } });
  } finally {
    if (tty) stdin.setRawMode(false);
    stdin.pause();
    stdin.unref();
  }
}
