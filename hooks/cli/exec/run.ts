/**
 * One exec through @kubernetes/client-node's `Exec` (WebSocket, channel.k8s.io v5/v4): the process's
 * stdin, stdout and stderr wired to the remote command, a TTY in raw mode when stdin is a terminal,
 * and the exit code read from the final Status on the error channel (`Success`, or `NonZeroExitCode`
 * with the code as cause `ExitCode`).
 */
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

export async function runExec(
  kube: Kube,
  o: { pod: string; container: string; command: string[] },
): Promise<number> {
  const stdin = process.stdin;
  const tty = stdin.isTTY;
  if (tty) stdin.setRawMode(true);
  const exec = new kube.k8s.Exec(kube.kc);
  try {
    return await new Promise<number>((resolve, reject) => {
      let status: ExecStatus | undefined;
      exec
        .exec(
          kube.namespace,
          o.pod,
          o.container,
          o.command,
          process.stdout,
          process.stderr,
          stdin,
          tty,
          (s) => {
            status = s;
          },
        )
        .then(
          (ws: { on(event: 'close', cb: () => void): void }) => {
            ws.on('close', () => {
              if (!status) reject(new CliError(`the connection to ${o.pod} closed without an exit status`));
              else {
                if (status.status !== 'Success' && status.reason !== 'NonZeroExitCode')
                  process.stderr.write(`error: ${status.message ?? 'exec failed'}\n`);
                resolve(exitCodeOf(status));
              }
            });
          },
          (e: unknown) => {
            reject(
              new CliError(`cannot exec in pod ${o.pod}: ${e instanceof Error ? e.message : String(e)}`),
            );
          },
        );
    });
  } finally {
    if (tty) stdin.setRawMode(false);
    stdin.pause();
    stdin.unref();
  }
}
