/**
 * What the real-software pooler tests take from the hook: the children the sync hook renders for a
 * cluster, and the pieces of them a test runs (a Job's script and environment, a Secret's keys, a
 * ConfigMap's file). Environment values that come from Secrets are resolved from the rendered
 * Secrets, as the kubelet would do.
 */
import { spawnSync } from 'node:child_process';
import { expect } from '@jest/globals';
import type { Client } from 'pg';
import type { KubeObject } from '../../hooks/lib/k8s';
import type { RealServer } from '../support/pgbin';
import { parentFrom, sync } from '../support/cluster-world';

/**
 * The children of a cluster Patroni has bootstrapped (its `<name>-config` Endpoints holds the system
 * identifier): only then does the hook render the psql Jobs (children/psql-wait.ts).
 */
export function renderCluster(spec: Record<string, unknown>, name = 'orders'): KubeObject[] {
  const parent = parentFrom(spec, { name });
  const config: KubeObject = {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: {
      name: `${name}-config`,
      namespace: parent.metadata.namespace ?? '',
      annotations: { initialize: '7437218811431043104' },
    },
  };
  return sync({ parent, children: [], related: [config] }).children;
}

export function child(children: readonly KubeObject[], kind: string, name: string | RegExp): KubeObject {
  const found = children.find(
    (c) =>
      c.kind === kind && (typeof name === 'string' ? c.metadata.name === name : name.test(c.metadata.name)),
  );
  if (!found) throw new Error(`no ${kind} ${String(name)} among the rendered children`);
  return found;
}

/** One decoded key of a rendered Secret. */
export function secretValue(children: readonly KubeObject[], secret: string, key: string): string {
  const data = child(children, 'Secret', secret)['data'] as Record<string, string> | undefined;
  const value = data?.[key];
  if (value === undefined) throw new Error(`Secret ${secret} has no key ${key}`);
  return Buffer.from(value, 'base64').toString('utf8');
}

interface Container {
  name: string;
  command?: string[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
}

/** The containers (init containers first) of a Job's or Deployment's pod template. */
export function containers(obj: KubeObject): Container[] {
  const spec = (
    obj['spec'] as { template: { spec: { containers: Container[]; initContainers?: Container[] } } }
  ).template.spec;
  return [...(spec.initContainers ?? []), ...spec.containers];
}

/** The `/bin/sh -c` script of a container. */
export function script(container: Container): string {
  const cmd = container.command ?? [];
  if (cmd[0] !== '/bin/sh' || cmd[1] !== '-c' || cmd[2] === undefined)
    throw new Error(`${container.name} runs no script`);
  return cmd[2];
}

/** A container's environment with Secret references resolved from the rendered Secrets. */
export function resolvedEnv(children: readonly KubeObject[], container: Container): Record<string, string> {
  return Object.fromEntries(
    (container.env ?? []).map((v) => {
      const ref = v.valueFrom?.secretKeyRef;
      if (ref) return [v.name, secretValue(children, ref.name, ref.key)];
      if (v.value === undefined) throw new Error(`${v.name} is neither a value nor a Secret reference`);
      return [v.name, v.value];
    }),
  );
}

/** The pg_hba list the StatefulSet hands to Spilo. */
export function renderedHba(children: readonly KubeObject[]): string[] {
  const env = containers(child(children, 'StatefulSet', 'orders'))[0]?.env ?? [];
  const raw = env.find((v) => v.name === 'SPILO_CONFIGURATION')?.value ?? '{}';
  return (JSON.parse(raw) as { postgresql: { pg_hba: string[] } }).postgresql.pg_hba;
}

/** Runs a rendered Job's script with its rendered environment, pointed at the test server. */
export function runJob(children: readonly KubeObject[], job: RegExp, server: RealServer): string {
  const container = containers(child(children, 'Job', job))[0]!;
  const env = resolvedEnv(children, container);
  expect([env['PGHOST'], env['PGPORT']]).toEqual(['orders.shop.svc', '5432']);
  const res = spawnSync('/bin/sh', ['-c', script(container)], {
    env: { ...env, PGHOST: server.host, PGPORT: String(server.port), PATH: '/usr/bin:/bin' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  const output = `${res.stdout}${res.stderr}`;
  if (res.status !== 0) throw new Error(`${job} failed (${String(res.status)}):\n${output}`);
  return output;
}

export async function query(client: Client, sql: string): Promise<unknown[]> {
  try {
    return (await client.query(sql)).rows as unknown[];
  } finally {
    await client.end();
  }
}
