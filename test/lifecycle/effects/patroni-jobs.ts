/**
 * The effects of the Jobs that talk to Patroni's REST API: the bootstrap Job (waits for the primary)
 * and the day-2 `params` and `switchover` Jobs.
 */
import { monitoringJobPrefix } from '../../../hooks/postgrescluster/metrics/names';
import { CLUSTER_LABEL, clusterNames } from '../../../hooks/postgrescluster/names';
import { poolerJobPrefix } from '../../../hooks/postgrescluster/pooler/names';
import { RESTART_REQUEST, planRestarts } from '../../../hooks/postgrescluster/patroni/restart-plan';
import type { JsonObject } from '../lib/json';
import { PatroniRestError } from '../sim/patroni';
import {
  allUp,
  clusterOf,
  done,
  envOf,
  failed,
  leaderOf,
  LEADER_ROLES,
  moved,
  OPERATION,
  patroniOf,
  RESTART_TIMEOUT,
  running,
  SWITCHOVER_TIMEOUT,
  UP_STATES,
  waitFor,
  type JobEffect,
} from './common';

/**
 * The psql Jobs (children/psql-job.ts): the bootstrap Job, the pooler's lookup role Job and the
 * monitoring role Job. Each waits for the primary, then runs idempotent SQL.
 */
export const bootstrap: JobEffect = {
  name: 'bootstrap',
  matches: (job) => {
    const cluster = job.metadata.labels?.[CLUSTER_LABEL];
    if (cluster === undefined) return false;
    const prefixes = [
      clusterNames({ name: cluster }).bootstrapJobPrefix,
      poolerJobPrefix({ name: cluster }),
      monitoringJobPrefix({ name: cluster }),
    ];
    return prefixes.some((p) => job.metadata.name.startsWith(`${p}-`));
  },
  run(job, world) {
    const members = clusterOf(patroniOf(job, world)) ?? [];
    const leader = members.find((m) => LEADER_ROLES.has(m.role) && m.state === 'running');
    return leader ? done(`owner and database created on ${leader.name}`) : running('waiting for the primary');
  },
};

/** params-script.ts */
export const params: JobEffect = {
  name: 'params',
  matches: (job) => job.metadata.annotations?.[OPERATION] === 'params',
  run(job, world, mem) {
    const api = patroniOf(job, world);
    if (mem['patched'] !== true) {
      try {
        api.patchConfig(JSON.parse(envOf(job)['DCS_PATCH'] ?? '{}') as JsonObject);
      } catch (err) {
        if (err instanceof PatroniRestError)
          return waitFor(world, mem, { what: 'PATCH /config to succeed', timeout: 600 });
        throw err;
      }
      moved(mem);
      mem['patched'] = true;
      return running('members pick the new values up');
    }
    const members = clusterOf(api);
    if (!members) return waitFor(world, mem, { what: 'GET /cluster', timeout: 600 });
    const current = mem['restarting'];
    if (typeof current === 'string') {
      if (!members.some((m) => m.name === current && UP_STATES.has(m.state))) {
        return waitFor(world, mem, { what: `${current} to run again`, timeout: RESTART_TIMEOUT });
      }
      moved(mem);
      delete mem['restarting'];
    }
    const plan = planRestarts({ members });
    const step = plan[0];
    if (!step) {
      const left = members.filter((m) => m.pending_restart === true).map((m) => m.name);
      return left.length > 0
        ? failed(`still pending a restart: ${left.join(', ')}`)
        : done('parameters applied');
    }
    if (!allUp(members)) {
      return waitFor(world, mem, {
        what: `every member to run before restarting ${step.member}`,
        timeout: RESTART_TIMEOUT,
      });
    }
    moved(mem);
    const restarts = Number(mem['restarts'] ?? 0) + 1;
    if (restarts > 3 * members.length) return failed('restarts do not clear pending_restart');
    mem['restarts'] = restarts;
    try {
      api.restart(step.member, RESTART_REQUEST);
    } catch (err) {
      if (err instanceof PatroniRestError)
        return failed(`POST /restart on ${step.member}: ${err.status} ${err.message}`);
      throw err;
    }
    mem['restarting'] = step.member;
    return running(`restarting ${step.member}`);
  },
};

/**
 * The roles switchover-script.ts accepts as a candidate in synchronous mode: the names Patroni v4.0.4
 * gives synchronous standbys in GET /cluster (`patroni/utils.py` `cluster_as_json`).
 */
const SYNCHRONOUS_ROLES = new Set(['sync_standby', 'quorum_standby']);

export const switchover: JobEffect = {
  name: 'switchover',
  matches: (job) => job.metadata.annotations?.[OPERATION] === 'switchover',
  run(job, world, mem) {
    const env = envOf(job);
    const from = env['LEADER'] ?? '';
    const candidate = env['CANDIDATE'];
    const api = patroniOf(job, world);
    const members = clusterOf(api) ?? [];
    const leader = leaderOf(members);
    const isDone = leader !== undefined && (candidate !== undefined ? leader === candidate : leader !== from);
    if (isDone) return done(`the leader is ${leader}`);
    if (mem['requested'] === true)
      return waitFor(world, mem, { what: 'the new leader', timeout: SWITCHOVER_TIMEOUT });
    // switchover-script.ts `eligible`: with SYNCHRONOUS, only a synchronous standby (Patroni refuses others).
    const synchronous = env['SYNCHRONOUS'] === 'true';
    const candidateUp = members.some(
      (m) =>
        (candidate !== undefined ? m.name === candidate : m.name !== leader) &&
        (!synchronous || SYNCHRONOUS_ROLES.has(m.role)) &&
        UP_STATES.has(m.state),
    );
    if (leader === undefined || !candidateUp) {
      return waitFor(world, mem, { what: 'a leader and a running candidate', timeout: SWITCHOVER_TIMEOUT });
    }
    moved(mem);
    try {
      api.switchover({ leader, ...(candidate !== undefined ? { candidate } : {}) });
    } catch (err) {
      if (err instanceof PatroniRestError) return failed(`switchover refused: ${err.status} ${err.message}`);
      throw err;
    }
    mem['requested'] = true;
    return waitFor(world, mem, { what: 'the new leader', timeout: SWITCHOVER_TIMEOUT });
  },
};
