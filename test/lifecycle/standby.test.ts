/**
 * Scenarios: a standby cluster for disaster recovery (spec.standby). A second cluster follows the
 * first by streaming from its primary Service: it is created as a copy (the source's system
 * identifier, seeded credentials), its leader reports `standby_leader` and the status says how it
 * replays and how far; it takes no psql Job while read-only. Removing `standby` promotes it: the
 * parameter Job sends `standby_cluster: null` through Patroni's PATCH /config and Patroni promotes the
 * standby leader on a new timeline. The old primary cannot be turned into a standby in place.
 */
import type { KubeObject } from '../../hooks/lib/k8s';
import type { JsonObject } from './lib/json';
import { USER } from './scenario-given';
import { useLifecycle, type Scenario } from './scenario';

const SOURCE = { version: '16', replicas: 2, storage: { size: '1Gi' } };
const DR = 'orders-dr';
const STANDBY = {
  host: 'orders.shop.svc',
  credentials: {
    superuserSecret: { name: 'orders-copy-superuser' },
    replicationSecret: { name: 'orders-copy-replication' },
    appSecret: { name: 'orders-copy-app' },
  },
};

interface Condition {
  type: string;
  status: string;
  reason?: string;
}

function cluster(s: Scenario, name: string): KubeObject {
  const c = s.store.get({ kind: 'PostgresCluster', namespace: s.namespace, name });
  if (!c) throw new Error(`no cluster ${name}`);
  return c;
}
const statusOf = (s: Scenario, name: string) =>
  (cluster(s, name)['status'] ?? {}) as {
    standby?: JsonObject;
    conditions?: Condition[];
    members?: JsonObject[];
  };
const conditionOf = (s: Scenario, name: string, type: string) =>
  statusOf(s, name).conditions?.find((c) => c.type === type);

/** The user copies the source's credential Secrets (kubectl get secret ... | kubectl apply). */
function copySourceSecrets(s: Scenario): void {
  for (const purpose of ['superuser', 'replication', 'app']) {
    const secret = s.store.get({ kind: 'Secret', namespace: s.namespace, name: `orders-${purpose}` });
    const data = (secret?.['data'] ?? {}) as Record<string, string>;
    const password = Buffer.from(data['password'] ?? '', 'base64').toString('utf8');
    s.given.secret(`orders-copy-${purpose}`, { password });
  }
}

async function createStandby(s: Scenario, spec: JsonObject): Promise<void> {
  s.store.create(
    {
      apiVersion: 'pgmeta.io/v1alpha1',
      kind: 'PostgresCluster',
      metadata: { name: DR, namespace: s.namespace },
      spec,
    },
    USER,
  );
  await s.settle();
}

const secretPassword = (s: Scenario, name: string): string => {
  const data = (s.store.get({ kind: 'Secret', namespace: s.namespace, name })?.['data'] ?? {}) as Record<
    string,
    string
  >;
  return Buffer.from(data['password'] ?? '', 'base64').toString('utf8');
};

const xlogOf = (s: Scenario, scope: string, member: string): number =>
  s.sim.patroni.member(s.namespace, { scope, member })?.xlog ?? 0;
const lsn = (n: number): string =>
  `${Math.floor(n / 2 ** 32)
    .toString(16)
    .toUpperCase()}/${(n % 2 ** 32).toString(16).toUpperCase()}`;

/** The source `orders` running, and its standby `orders-dr` created from copies of its Secrets. */
async function standbyRunning(s: Scenario): Promise<void> {
  await s.given.cluster(SOURCE);
  copySourceSecrets(s);
  await createStandby(s, { ...SOURCE, standby: STANDBY });
}

describe('lifecycle: a standby cluster (spec.standby)', () => {
  const world = useLifecycle();
  const psqlJobs = (s: Scenario) =>
    s.store.list('Job', s.namespace).filter((j) => j.metadata.name.startsWith(`${DR}-bootstrap`));

  it('creation: nothing before the source credentials exist, then a read-only copy of the source', async () => {
    const s = world.scenario({ name: 'orders' });
    await s.given.cluster(SOURCE);
    s.then.phase('Running');
    await createStandby(s, { ...SOURCE, standby: STANDBY });
    expect(s.store.get({ kind: 'StatefulSet', namespace: s.namespace, name: DR })).toBeUndefined();
    expect(s.store.get({ kind: 'Secret', namespace: s.namespace, name: `${DR}-superuser` })).toBeUndefined();
    expect(conditionOf(s, DR, 'Standby')).toMatchObject({ status: 'False', reason: 'SecretNotFound' });

    copySourceSecrets(s);
    await s.settle();
    for (const purpose of ['superuser', 'replication', 'app'])
      expect(secretPassword(s, `${DR}-${purpose}`)).toBe(secretPassword(s, `orders-${purpose}`));
    const config = (name: string) =>
      s.store.get({ kind: 'Endpoints', namespace: s.namespace, name: `${name}-config` })?.metadata
        .annotations;
    expect(config(DR)?.['initialize']).toBe(config('orders')?.['initialize']);
    expect(statusOf(s, DR).standby).toMatchObject({
      source: { host: 'orders.shop.svc', port: 5432 },
      leader: `${DR}-0`,
      replicationState: 'streaming',
    });
    expect(conditionOf(s, DR, 'Standby')).toMatchObject({ status: 'True', reason: 'Streaming' });
    expect(conditionOf(s, DR, 'Ready')).toMatchObject({ status: 'True' });
    expect(psqlJobs(s)).toEqual([]);
    expect(s.sim.patroni.write(s.namespace, DR, 1024)).toBe(false);
    s.then.noDataBearingObjectDeleted();
    await s.then.steadyState();
  });

  it('lag: the standby leader trails its source by the lag, the status shows where it is, then it catches up', async () => {
    const s = world.scenario({ name: 'orders' });
    await standbyRunning(s);
    s.sim.patroni.setLag(s.namespace, { scope: DR, member: `${DR}-0`, bytes: 16 * 1024 * 1024 });
    s.when.primaryWrites(64 * 1024 * 1024);
    await s.settle();
    const behind = xlogOf(s, DR, `${DR}-0`);
    expect(xlogOf(s, 'orders', 'orders-0') - behind).toBe(16 * 1024 * 1024);
    expect(statusOf(s, DR).standby?.['walPosition']).toBe(lsn(behind));
    // The cascading replica follows the standby leader, not the source.
    expect(xlogOf(s, DR, `${DR}-1`)).toBe(behind);
    s.sim.patroni.setLag(s.namespace, { scope: DR, member: `${DR}-0`, bytes: 0 });
    s.when.primaryWrites(1024);
    await s.settle();
    expect(statusOf(s, DR).standby?.['walPosition']).toBe(lsn(xlogOf(s, 'orders', 'orders-0')));
    await s.then.steadyState();
  });

  it('promotion: removing standby promotes it through the parameter Job; the old primary cannot follow it in place', async () => {
    const s = world.scenario({ name: 'orders' });
    await standbyRunning(s);
    const dr = cluster(s, DR);
    const { standby: _standby, ...promotedSpec } = dr['spec'] as JsonObject;
    s.store.update({ ...dr, spec: promotedSpec }, USER);
    await s.settle();
    const [promotion] = s.then.patroniEvents('standby-promotion');
    expect(promotion?.member).toBe(`${DR}-0`);
    const paramsJobs = s.store
      .list('Job', s.namespace)
      .filter((j) => j.metadata.name.startsWith(`${DR}-params-`));
    expect(paramsJobs).toHaveLength(1);
    expect(JSON.stringify(paramsJobs[0])).toContain('\\"standby_cluster\\":null');
    expect(statusOf(s, DR).standby).toBeUndefined();
    expect(conditionOf(s, DR, 'Standby')).toBeUndefined();
    expect(conditionOf(s, DR, 'Ready')).toMatchObject({ status: 'True' });
    // The members roll once afterwards to drop the STANDBY_* settings (replicas, then a switchover),
    // never before the promotion.
    const drEvents = s.then.patroniEvents().filter((e) => e.member.startsWith(DR) && e.type !== 'bootstrap');
    expect(drEvents.map((e) => e.type)).toEqual(['standby-promotion', 'switchover']);
    const timelines = [0, 1].map(
      (i) => s.sim.patroni.member(s.namespace, { scope: DR, member: `${DR}-${i}` })?.timeline ?? 0,
    );
    expect(Math.max(...timelines)).toBeGreaterThanOrEqual(2);
    // Writable now, and its psql Jobs run.
    expect(s.sim.patroni.write(s.namespace, DR, 1024)).toBe(true);
    expect(psqlJobs(s).length).toBeGreaterThan(0);

    // The old primary cannot be turned into a standby of the new one in place.
    const old = cluster(s, 'orders');
    const oldSpec = { ...(old['spec'] as JsonObject), standby: { ...STANDBY, host: `${DR}.shop.svc` } };
    s.store.update({ ...old, spec: oldSpec }, USER);
    await s.settle();
    expect(conditionOf(s, 'orders', 'SpecValid')).toMatchObject({ status: 'False', reason: 'InvalidSpec' });
    s.then.noDataBearingObjectDeleted();
    await s.then.steadyState();
  });
});
