/**
 * The rotation Job's effect (hooks/postgrescluster/rotation/script.ts), one step per pass: wait until
 * the primary Service has a primary that accepts connections (the program's `superuser_password`
 * wait, psql to `PGHOST`), then for each credential of the plan, in its order, set the password (the
 * simulation keeps no role passwords: the real servers of test/realpg/rotation.test.ts and
 * test/patroni/rotation.test.ts show that step) and merge-patch the Secret with the plan's `data`
 * and the generation annotation, under the Job's own RBAC (a Role without `patch` on that Secret
 * fails the Job as in a cluster). The plan is read as the program reads it: `ROTATION_PLAN`, resolved
 * from the Job's own Secret as the kubelet resolves a secretKeyRef.
 */
import { containerEnvValues, type RenderedEnvVar } from '../../support/container-env';
import type { JsonObject } from '../lib/json';
import { specOf } from '../sim/context';
import { serverAt } from './backup';
import { done, envOf, failed, moved, OPERATION, running, waitFor, type JobEffect } from './common';
import { JobKube } from './job-kube';

/** The program's PRIMARY_TIMEOUT. */
const PRIMARY_TIMEOUT = 900;

interface PlanItem {
  purpose: string;
  secret: string;
  generation: number;
  data: Record<string, string>;
}

export const rotate: JobEffect = {
  name: 'rotate',
  matches: (job) => job.metadata.annotations?.[OPERATION] === 'rotate',
  run(job, world, mem: JsonObject) {
    const env = envOf(job);
    const pod = (specOf(job)['template'] as { spec?: { containers?: { env?: RenderedEnvVar[] }[] } }).spec;
    const resolved = containerEnvValues(
      pod?.containers?.[0]?.env ?? [],
      world.store.list('Secret', job.metadata.namespace),
    );
    const plan = JSON.parse(resolved.get('ROTATION_PLAN') ?? '[]') as PlanItem[];
    const annotation = env['GENERATION_ANNOTATION'] ?? '';
    const server = serverAt(world, env['PGHOST'] ?? '');
    if (server?.member.role !== 'primary') {
      return waitFor(world, mem, { what: 'the primary to accept the superuser', timeout: PRIMARY_TIMEOUT });
    }
    moved(mem);
    const next = typeof mem['next'] === 'number' ? mem['next'] : 0;
    const item = plan[next];
    if (!item) return done(`rotated: ${plan.map((i) => `${i.purpose}=${String(i.generation)}`).join(', ')}`);
    world.trace(`rotate: role of ${item.purpose} set on ${server.pod.metadata.name}`);
    const answer = new JobKube(job, world.store).patchSecret(item.secret, {
      annotations: { [annotation]: String(item.generation) },
      data: item.data,
    });
    if (answer.status !== 200) return failed(`PATCH secret ${item.secret}: ${String(answer.status)}`);
    mem['next'] = next + 1;
    return running(`${item.purpose}: secret ${item.secret} holds generation ${String(item.generation)}`);
  },
};
