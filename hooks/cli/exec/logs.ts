/**
 * `logs CLUSTER [--member M] [-f] [--tail N] [--postgres]`: the database container's log of each
 * member (Patroni writes there, and PostgreSQL's own messages until its logging collector starts),
 * each line prefixed with the pod's name, as `kubectl logs` streams them (`pods/NAME/log`,
 * `follow=true`). With `--postgres`, PostgreSQL's own log instead: Spilo turns the logging collector on
 * with `log_destination: csvlog` and `log_directory: ../pg_log` relative to PGDATA, one file per
 * weekday (Spilo 4.0-p3 postgres-appliance/scripts/configure_spilo.py, TEMPLATE), so the newest
 * `$PGROOT/pg_log/*.csv` is tailed through `pods/exec`.
 */
import { Writable } from 'node:stream';
import { flagValue, hasFlag, UsageError, type Parsed } from '../args.js';
import type { CliIo } from '../io.js';
import { CliError } from '../main.js';
import { connect, type Kube } from '../kube/client.js';
import { apiError } from '../kube/errors.js';
import { clusterArg } from '../ops/common.js';
import { DATABASE_CONTAINER, memberPods } from './pods.js';
import { execWith } from './run.js';

/** A stream that writes each complete line prefixed (the last partial line at the end). */
function prefixed(prefix: string, out: (line: string) => void): Writable {
  let rest = '';
  return new Writable({
    write(chunk: Buffer, _enc, cb) {
      const lines = (rest + chunk.toString('utf8')).split('\n');
      rest = lines.pop() ?? '';
      for (const l of lines) out(`${prefix}${l}`);
      cb();
    },
    final(cb) {
      if (rest !== '') out(`${prefix}${rest}`);
      cb();
    },
  });
}

/** Tails the newest PostgreSQL log file; `$1` lines, following when `$2` is set. */
export const POSTGRES_LOG_SCRIPT =
  'f=$(ls -t "$PGROOT"/pg_log/*.csv 2>/dev/null | head -n 1); ' +
  '[ -n "$f" ] || { echo "no PostgreSQL log file in $PGROOT/pg_log" >&2; exit 1; }; ' +
  'exec tail -n "$1" ${2:+-F} "$f"';

function postgresLog(
  kube: Kube,
  o: { pod: string; out: Writable; tail: string; follow: boolean },
): Promise<number> {
  const command = ['sh', '-c', POSTGRES_LOG_SCRIPT, 'sh', o.tail, ...(o.follow ? ['follow'] : [])];
  return execWith(kube, {
    pod: o.pod,
    container: DATABASE_CONTAINER,
    command,
    io: { stdout: o.out, stderr: process.stderr, stdin: null, tty: false },
  });
}

async function containerLog(
  kube: Kube,
  o: { pod: string; out: Writable; tail: string | undefined; follow: boolean },
): Promise<number> {
  const finished = new Promise<void>((r) =>
    o.out.on('finish', () => {
      r();
    }),
  );
  try {
    await new kube.k8s.Log(kube.kc).log(kube.namespace, o.pod, DATABASE_CONTAINER, o.out, {
      follow: o.follow,
      ...(o.tail ? { tailLines: Number(o.tail) } : {}),
    });
  } catch (e) {
    throw apiError(e, kube.server);
  }
  await finished;
  return 0;
}

export async function logs(p: Parsed, io: CliIo): Promise<number> {
  const name = clusterArg(p);
  const tail = flagValue(p, '--tail');
  if (tail !== undefined && !/^\d+$/.test(tail)) throw new UsageError('--tail must be a number of lines');
  const follow = hasFlag(p, '-f', '--follow');
  const kube = await connect(p, io);
  await kube.cluster(name);
  const member = flagValue(p, '--member');
  const pods = (await memberPods(kube, name)).filter(
    (pod) => member === undefined || pod.metadata.name === member,
  );
  if (pods.length === 0)
    throw new CliError(member ? `no member ${member} in ${name}` : `${name} has no member pods`);
  const many = pods.length > 1;
  const codes = await Promise.all(
    pods.map((pod) => {
      const out = prefixed(many ? `[${pod.metadata.name}] ` : '', io.out);
      const o = { pod: pod.metadata.name, out, follow };
      return hasFlag(p, '--postgres')
        ? postgresLog(kube, { ...o, tail: tail ?? '100' })
        : containerLog(kube, { ...o, tail });
    }),
  );
  return codes.find((c) => c !== 0) ?? 0;
}
