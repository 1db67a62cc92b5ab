/**
 * `logs CLUSTER [--member M] [-f] [--tail N]`: the database container's log of each member (Patroni
 * writes there, and PostgreSQL's own messages until its logging collector starts), each line prefixed
 * with the pod's name, as `kubectl logs` streams them (`pods/NAME/log`, `follow=true`).
 */
import { Writable } from 'node:stream';
import { flagValue, hasFlag, UsageError, type Parsed } from '../args.js';
import type { CliIo } from '../io.js';
import { CliError } from '../main.js';
import { connect } from '../kube/client.js';
import { apiError } from '../kube/errors.js';
import { clusterArg } from '../ops/common.js';
import { DATABASE_CONTAINER, memberPods } from './pods.js';

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
  const log = new kube.k8s.Log(kube.kc);
  const many = pods.length > 1;
  await Promise.all(
    pods.map(async (pod) => {
      const stream = prefixed(many ? `[${pod.metadata.name}] ` : '', io.out);
      const finished = new Promise<void>((r) =>
        stream.on('finish', () => {
          r();
        }),
      );
      try {
        await log.log(kube.namespace, pod.metadata.name, DATABASE_CONTAINER, stream, {
          follow,
          ...(tail ? { tailLines: Number(tail) } : {}),
        });
      } catch (e) {
        throw apiError(e, kube.server);
      }
      await finished;
    }),
  );
  return 0;
}
