/**
 * A restore into a newer major, pgmeta's major-upgrade path. Spilo's clone reads the prefix it is given
 * (zalando/spilo 4.0-p3, postgres-appliance/bootstrap/clone_with_wale.py `get_wale_environments`: other
 * majors are tried only under Spilo's own `/spilo/.../wal` layout), so the clone prefix must end in the
 * SOURCE's major; the binaries are the cluster's (configure_spilo.py `main`: `bin_dir` from PGVERSION
 * while PGDATA is empty), and maybe_pg_upgrade.py `main` recovers the backup with the old binaries and
 * runs pg_upgrade to them. The cluster's own archive is its own major's.
 */
import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../../../hooks/lib/k8s';
import { majorUpgradeMessage } from '../../../../hooks/postgrescluster/day2/major';
import { applied } from '../../../support/apiserver';
import { relatedFor, sync } from '../../../support/cluster-world';
import { errorsOf } from '../spec/check-spec-support';
import { CASES, ORDERS_UID } from '../../../golden/backup/cases';

const spiloEnv = (children: KubeObject[]): Record<string, string | undefined> => {
  const sts = children.find((c) => c.kind === 'StatefulSet');
  if (!sts) throw new Error('no StatefulSet: the spec was refused');
  const spec = sts['spec'] as {
    template: { spec: { containers: { name: string; env: { name: string; value?: string }[] }[] } };
  };
  const env = spec.template.spec.containers[0]!.env;
  return Object.fromEntries(env.map((v) => [v.name, v.value]));
};

describe('a restore into a newer major', () => {
  const upgraded = () => spiloEnv(sync(CASES['restore-upgrade']!()).children);

  it("reads the source's archive of the source's major, with the cluster's binaries", () => {
    const env = upgraded();
    expect(env['PGVERSION']).toBe('17');
    expect(env['CLONE_METHOD']).toBe('CLONE_WITH_WALE');
    expect(env['CLONE_WALG_S3_PREFIX']).toBe(`s3://pg-backups/shop/orders/${ORDERS_UID}/wal/16`);
    expect(env['CLONE_WALE_S3_PREFIX']).toBe(env['CLONE_WALG_S3_PREFIX']);
  });

  // The archive is rendered only once the restore has finished (backup/restore-first.ts): a member
  // runs and Patroni holds the leader lock.
  it('archives into its own path under its own major once the restore has finished', () => {
    const world = CASES['restore-upgrade']!();
    expect(spiloEnv(sync(world).children)['WALG_S3_PREFIX']).toBeUndefined();
    const children = sync(world).children.map((c) => applied(c, world.parent));
    const running = relatedFor(world.parent, [{ ordinal: 0, role: 'master' }], [], { podsFrom: children });
    const after = sync({ ...world, children, related: [...world.related, ...running] });
    expect(spiloEnv(after.children)['WALG_S3_PREFIX']).toMatch(
      /^s3:\/\/pg-backups\/shop\/orders-17\/[^/]+\/wal\/17$/,
    );
  });

  it("reads the cluster's own major when source.version is not given (a restore of the same major)", () => {
    const same = CASES['restore-upgrade']!();
    const spec = same.parent['spec'] as { restore: { source: Record<string, unknown> } };
    const { version: _dropped, ...source } = spec.restore.source;
    const parent = { ...same.parent, spec: { ...spec, restore: { ...spec.restore, source } } };
    expect(spiloEnv(sync({ ...same, parent }).children)['CLONE_WALG_S3_PREFIX']).toMatch(/\/wal\/17$/);
  });

  it('refuses a source newer than the cluster: pg_upgrade only upgrades', () => {
    const spec = CASES['restore-upgrade']!().parent['spec'] as Record<string, unknown>;
    expect(errorsOf({ ...spec, version: '15' })).toEqual([
      {
        path: 'spec.restore.source.version',
        message: 'restore.source.version must not be newer than version (the restore can only upgrade)',
      },
    ]);
  });

  it('is the procedure the refusal of a raised version gives', () => {
    const message = majorUpgradeMessage('16', '17');
    expect(message).toContain('new cluster with version 17 and spec.restore');
    expect(message).toContain('source.version 16');
  });
});
