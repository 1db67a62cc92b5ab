/** The effects of the day-2 Jobs that only call the Kubernetes API: `resize` and `cleanup`. */
import { specOf } from '../sim/context';
import { done, envOf, failed, OPERATION, type JobEffect } from './common';
import { JobKube } from './job-kube';

/** resize-script.ts */
export const resize: JobEffect = {
  name: 'resize',
  matches: (job) => job.metadata.annotations?.[OPERATION] === 'resize',
  run(job, world) {
    const env = envOf(job);
    const size = env['SIZE'] ?? '';
    const kube = new JobKube(job, world.store);
    for (const name of (env['CLAIMS'] ?? '').split(' ').filter((c) => c !== '')) {
      const answer = kube.get('persistentvolumeclaims', name);
      if (answer.status === 404) continue;
      if (answer.status !== 200) return failed(`GET ${name}: ${answer.status}`);
      const requested = (specOf(answer.body!)['resources'] as { requests?: { storage?: string } } | undefined)
        ?.requests?.storage;
      if (requested === size) continue;
      const patched = kube.patchStorage(name, size);
      if (patched.status !== 200)
        return failed(`PATCH ${name} to ${size}: ${patched.status} ${patched.message ?? ''}`);
    }
    return done(`claims request ${size}`);
  },
};

/** cleanup.ts */
export const cleanup: JobEffect = {
  name: 'cleanup',
  matches: (job) => job.metadata.annotations?.[OPERATION] === 'cleanup',
  run(job, world) {
    const kube = new JobKube(job, world.store);
    for (const target of (envOf(job)['DELETE'] ?? '').split(' ').filter((t) => t !== '')) {
      const [resource = '', name = ''] = target.split('/');
      const code = kube.delete(resource, name);
      if (![200, 202, 404].includes(code)) return failed(`DELETE ${target}: ${code}`);
    }
    return done('Patroni leftovers deleted');
  },
};
