/**
 * The rig's executor of pgmeta's DCS-parameter procedure (the plan itself is the pure
 * `hooks/postgrescluster/patroni/restart-plan.ts`, which the in-cluster Job runs the same way).
 */
import {
  dcsParametersPatch,
  planRestarts,
  RESTART_REQUEST,
  type RestartStep,
} from '../../hooks/postgrescluster/patroni/restart-plan.js';
import { rest, type RigCluster } from './rest.js';
import type { Credentials } from './source.js';

/**
 * Step 1: `PATCH /config` on any member (Patroni writes the DCS; every member reads it from there),
 * with the REST API credentials the Job gets (`auth`).
 */
export async function patchDcsParameters(
  api: string,
  params: { desired: Readonly<Record<string, string>>; previous: Readonly<Record<string, string>> },
  auth: Credentials,
): Promise<Record<string, unknown>> {
  const body = dcsParametersPatch(params.desired, params.previous);
  const answer = await rest(api, '/config', { method: 'PATCH', body, auth });
  if (answer.status !== 200) throw new Error(`PATCH /config: ${answer.status} ${answer.text}`);
  return JSON.parse(answer.text) as Record<string, unknown>;
}

/**
 * Step 2: restarts the members `/cluster` reports as pending, in the plan's order, one at a time:
 * Patroni answers `POST /restart` only once PostgreSQL is back up (or the restart failed).
 */
export async function restartPendingMembers(cluster: RigCluster, auth: Credentials): Promise<RestartStep[]> {
  const plan = planRestarts(cluster);
  for (const step of plan) {
    const answer = await rest(step.apiUrl, '/restart', {
      method: 'POST',
      body: RESTART_REQUEST,
      timeoutMs: 60_000,
      auth,
    });
    if (answer.status !== 200)
      throw new Error(`POST /restart on ${step.member}: ${answer.status} ${answer.text}`);
  }
  return plan;
}
