/** The effect of the day-2 `rollout` Job: stale pods replaced one at a time, replicas first. */
import type { KubeObject } from '../../../hooks/lib/k8s';
import type { JsonObject } from '../lib/json';
import { hasCondition, specOf, statusOf } from '../sim/context';
import type { JobOutcome } from '../sim/jobs';
import { PatroniRestError } from '../sim/patroni';
import {
  done,
  envOf,
  failed,
  MEMBER_TIMEOUT,
  moved,
  OPERATION,
  patroniOf,
  ROLLOUT_TIMEOUT,
  running,
  waitFor,
  type JobEffect,
  type JobWorld,
} from './common';
import { JobKube } from './job-kube';

const labelsOf = (p: KubeObject | undefined): Record<string, string> => p?.metadata.labels ?? {};
const podReady = (p: KubeObject | undefined): boolean =>
  p !== undefined && p.metadata.deletionTimestamp === undefined && hasCondition(p, 'Ready');
const isPrimary = (p: KubeObject | undefined): boolean => labelsOf(p)['spilo-role'] === 'master';

/** rollout-script.ts: one replacement or switchover per pass, never two members down. */
export const rollout: JobEffect = {
  name: 'rollout',
  matches: (job) => job.metadata.annotations?.[OPERATION] === 'rollout',
  run(job, world, mem) {
    const env = envOf(job);
    const target = env['TARGET_REVISION'] ?? '';
    const kube = new JobKube(job, world.store);
    const stsAnswer = kube.get('statefulsets', env['STATEFULSET'] ?? '');
    if (stsAnswer.status !== 200 && stsAnswer.status !== 404)
      return failed(`GET statefulset: ${stsAnswer.status}`);
    const sts = stsAnswer.body;
    const snapshot = { what: 'the StatefulSet and its pods', timeout: MEMBER_TIMEOUT };
    if (!sts) return waitFor(world, mem, snapshot);
    const status = statusOf(sts);
    if (Number(status['observedGeneration'] ?? -1) < (sts.metadata.generation ?? 0))
      return waitFor(world, mem, snapshot);
    const pods = new Map<string, KubeObject | undefined>();
    for (let i = 0; i < Number(specOf(sts)['replicas'] ?? 0); i++) {
      const name = `${sts.metadata.name}-${i}`;
      const answer = kube.get('pods', name);
      if (answer.status !== 200 && answer.status !== 404) return failed(`GET pods ${name}: ${answer.status}`);
      pods.set(name, answer.body);
    }
    const updateRevision =
      typeof status['updateRevision'] === 'string' ? status['updateRevision'] : undefined;
    const wait = waitingRollout({ world, mem, pods, target, updateRevision });
    if (wait) return wait;
    if (status['updateRevision'] !== target) {
      return done(`superseded: the StatefulSet now updates to ${String(status['updateRevision'])}`);
    }
    return rolloutStep({
      job,
      world,
      kube,
      mem,
      pods,
      target,
      method: env['PRIMARY_UPDATE_METHOD'] ?? 'switchover',
    });
  },
};

/** The wait at the end of `replace()` and `switch_away()` in the script. */
function waitingRollout(o: {
  world: JobWorld;
  mem: JsonObject;
  pods: Map<string, KubeObject | undefined>;
  target: string;
  /** The StatefulSet's current update revision: a newer one supersedes this rollout. */
  updateRevision: string | undefined;
}): JobOutcome | undefined {
  const { world, mem, pods, target } = o;
  const superseded = o.updateRevision !== undefined && o.updateRevision !== target;
  const replacing = mem['replacing'] as { name: string; uid: string } | undefined;
  if (replacing) {
    const p = pods.get(replacing.name);
    const back =
      p !== undefined &&
      p.metadata.uid !== replacing.uid &&
      (labelsOf(p)['controller-revision-hash'] === target || superseded) &&
      podReady(p);
    if (!back) {
      return waitFor(world, mem, {
        what: `${replacing.name} to run ${target} and be ready`,
        timeout: MEMBER_TIMEOUT,
      });
    }
    moved(mem);
    delete mem['replacing'];
  }
  const switching = mem['switching'];
  if (typeof switching === 'string') {
    const elsewhere = [...pods].some(([n, p]) => n !== switching && isPrimary(p));
    if (isPrimary(pods.get(switching)) || !elsewhere) {
      return waitFor(world, mem, { what: `${switching} to hand the leader over`, timeout: MEMBER_TIMEOUT });
    }
    moved(mem);
    delete mem['switching'];
  }
  return undefined;
}

function rolloutStep(o: {
  job: KubeObject;
  world: JobWorld;
  kube: JobKube;
  mem: JsonObject;
  pods: Map<string, KubeObject | undefined>;
  target: string;
  method: string;
}): JobOutcome {
  const updated = (p: KubeObject | undefined) => labelsOf(p)['controller-revision-hash'] === o.target;
  const stale = [...o.pods].filter(([, p]) => p !== undefined && !updated(p)).map(([n]) => n);
  if (stale.length === 0) return done(`every member runs ${o.target}`);
  const down = [...o.pods].filter(([, p]) => !podReady(p)).map(([n]) => n);
  const replace = (name: string): JobOutcome => {
    const pod = o.pods.get(name)!;
    const code = o.kube.delete('pods', name, pod.metadata.uid ?? '');
    if (![200, 202, 404, 409].includes(code)) return failed(`DELETE pod ${name}: ${code}`);
    moved(o.mem);
    o.mem['replacing'] = { name, uid: pod.metadata.uid ?? '' };
    o.world.trace(`job ${o.job.metadata.name}: deleted ${name} to move it to ${o.target}`);
    return running(`${name} to come back`);
  };
  const [first] = down;
  if (down.length === 1 && first !== undefined && stale.includes(first) && !isPrimary(o.pods.get(first)))
    return replace(first);
  if (down.length > 0)
    return waitFor(o.world, o.mem, { what: 'every member to be ready', timeout: ROLLOUT_TIMEOUT });
  const replicas = stale.filter((n) => !isPrimary(o.pods.get(n)));
  if (replicas[0] !== undefined) return replace(replicas[0]);
  const primary = stale[0]!;
  if (o.method === 'switchover' && o.pods.size > 1) {
    try {
      patroniOf(o.job, o.world).switchover({ leader: primary });
    } catch (err) {
      if (!(err instanceof PatroniRestError)) throw err;
      return running(`POST /switchover from ${primary}: ${err.status}`);
    }
    moved(o.mem);
    o.mem['switching'] = primary;
    return running(`${primary} to hand the leader over`);
  }
  return replace(primary);
}
