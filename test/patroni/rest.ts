/** Patroni's REST API, as the rig (and pgmeta's parameter Job) uses it. Every call has a timeout. */
import type { PatroniCluster, PatroniMember } from '../../hooks/postgrescluster/patroni/restart-plan.js';
import type { Credentials } from './source.js';

/** `GET /cluster` member with the fields the rig asserts on besides the plan's. */
export interface RigMember extends PatroniMember {
  host?: string;
  port?: number;
  timeline?: number;
  lag?: number | string;
}

export interface RigCluster extends PatroniCluster {
  members: RigMember[];
}

export interface RestAnswer {
  status: number;
  text: string;
}

/** One REST call; `api` is a base URL such as `http://127.0.0.1:8008`. */
export async function rest(
  api: string,
  path: string,
  o: { method?: string; body?: unknown; timeoutMs?: number; auth?: Credentials } = {},
): Promise<RestAnswer> {
  const headers: Record<string, string> = {
    ...(o.body === undefined ? {} : { 'content-type': 'application/json' }),
    // HTTP Basic, which Patroni requires for writes once restapi.authentication is set.
    ...(o.auth === undefined
      ? {}
      : {
          authorization: `Basic ${Buffer.from(`${o.auth.username}:${o.auth.password}`).toString('base64')}`,
        }),
  };
  const res = await fetch(`${api.replace(/\/patroni$/, '')}${path}`, {
    method: o.method ?? 'GET',
    headers,
    ...(o.body === undefined ? {} : { body: JSON.stringify(o.body) }),
    signal: AbortSignal.timeout(o.timeoutMs ?? 5000),
  });
  return { status: res.status, text: await res.text() };
}

/** `GET /cluster` from one member. */
export async function getCluster(api: string): Promise<RigCluster> {
  const answer = await rest(api, '/cluster');
  if (answer.status !== 200) throw new Error(`GET /cluster: ${answer.status} ${answer.text}`);
  return JSON.parse(answer.text) as RigCluster;
}
