/**
 * The story of the PostgresDatabase goldens (golden.test.ts): each case a Metacontroller v2 request
 * built from the previous case's response as the API server would store it, a minute after the
 * previous one: cluster not ready, first apply, applied, spec change, Job failed, invalid spec,
 * finalize with each policy.
 */
import type { KubeObject } from '../../../hooks/lib/k8s';
import { runHook } from '../../../hooks/metacontroller/dispatch';
import type { SyncResponse } from '../../../hooks/metacontroller/types';
import { postgresDatabaseController } from '../../../hooks/postgresdatabase/controller';
import { CTX, exampleSpec, parent, request, stored } from './requests';

/** The hook a case calls. */
export type Hook = 'sync' | 'finalize';

/** One golden case: the request body of a hook call and the time it is made. */
export interface Case {
  name: string;
  hook: Hook;
  body: Record<string, unknown>;
  /** Each case happens a minute after the previous one, so carried-over transition times show. */
  now: string;
}

/** The hook service's answer to this body, at the case's time. */
export function run(c: Pick<Case, 'hook' | 'now'>, body: unknown): SyncResponse {
  return runHook({
    def: postgresDatabaseController,
    hook: c.hook,
    body,
    ctx: { ...CTX, now: c.now },
  }) as SyncResponse;
}

/** The children of one kind in a response. */
export const byKind = (r: SyncResponse, kind: string): KubeObject[] =>
  r.children.filter((c) => c.kind === kind);

/** The cases' names in story order: test names must be known before any hook runs. */
export const CASE_NAMES = [
  'cluster-not-ready',
  'first-apply',
  'applied',
  'spec-change',
  'job-failed',
  'invalid-spec',
  'finalize-retain',
  'finalize-delete',
  'finalize-delete-done',
  'finalize-delete-cluster-gone',
] as const;

/** The story, built case by case from the previous response. */
export function buildCases(): Case[] {
  const base = exampleSpec();
  const cases: Case[] = [];
  const add = (name: string, hook: Hook, body: Record<string, unknown>): SyncResponse => {
    const c = { name, hook, body, now: `2026-03-01T12:${String(cases.length).padStart(2, '0')}:00Z` };
    cases.push(c);
    return run(c, body);
  };
  const notReady = add(
    'cluster-not-ready',
    'sync',
    request({ parent: parent({ spec: base, generation: 1 }), children: [], clusterReady: false }),
  );
  const first = add(
    'first-apply',
    'sync',
    request({
      parent: parent({ spec: base, generation: 1, status: notReady.status }),
      children: notReady.children.map((c) => stored(c)),
      clusterReady: true,
    }),
  );
  const appliedChildren = first.children.map((c) => stored(c, { outcome: 'succeeded' }));
  const applied = add(
    'applied',
    'sync',
    request({
      parent: parent({ spec: base, generation: 1, status: first.status }),
      children: appliedChildren,
      clusterReady: true,
    }),
  );
  const roles = base['roles'] as { name: string }[];
  const changedSpec = {
    ...base,
    roles: [
      ...roles.filter((r) => r.name !== 'shop_reporting'),
      { name: 'shop_batch', inRoles: ['shop_readers'], connectionLimit: 5 },
    ],
    extensions: [...(base['extensions'] as object[]), { name: 'pg_trgm', schema: 'shop' }],
    grants: (base['grants'] as { role: string; target: string }[]).filter(
      (g) => !(g.role === 'shop_app' && g.target === 'sequences'),
    ),
  };
  const changed = add(
    'spec-change',
    'sync',
    request({
      parent: parent({ spec: changedSpec, generation: 2, status: applied.status }),
      children: appliedChildren,
      clusterReady: true,
    }),
  );
  const newJob = byKind(changed, 'Job')[0]!.metadata.name;
  add(
    'job-failed',
    'sync',
    request({
      parent: parent({ spec: changedSpec, generation: 2, status: changed.status }),
      children: changed.children.map((c) =>
        stored(c, { outcome: c.metadata.name === newJob ? 'failed' : 'succeeded' }),
      ),
      clusterReady: true,
    }),
  );
  add(
    'invalid-spec',
    'sync',
    request({
      parent: parent({
        spec: { ...base, roles: [...roles, { name: 'root', privileges: ['SUPERUSER'] }] },
        generation: 3,
        status: applied.status,
      }),
      children: appliedChildren,
      clusterReady: true,
    }),
  );
  add(
    'finalize-retain',
    'finalize',
    request({
      parent: parent({ spec: base, generation: 1, status: applied.status, deleting: true }),
      children: appliedChildren,
      clusterReady: true,
      finalizing: true,
    }),
  );
  const deleteSpec = { ...base, reclaimPolicy: 'delete' };
  const deleting = add(
    'finalize-delete',
    'finalize',
    request({
      parent: parent({ spec: deleteSpec, generation: 2, status: applied.status, deleting: true }),
      children: appliedChildren,
      clusterReady: true,
      finalizing: true,
    }),
  );
  add(
    'finalize-delete-done',
    'finalize',
    request({
      parent: parent({ spec: deleteSpec, generation: 2, status: deleting.status, deleting: true }),
      children: deleting.children.map((c) => stored(c, { outcome: 'succeeded' })),
      clusterReady: true,
      finalizing: true,
    }),
  );
  add(
    'finalize-delete-cluster-gone',
    'finalize',
    request({
      parent: parent({ spec: deleteSpec, generation: 2, status: applied.status, deleting: true }),
      children: appliedChildren,
      clusterReady: 'gone',
      finalizing: true,
    }),
  );
  return cases;
}
