/**
 * Backup and restore goldens of the PostgresCluster hook: each case's request.yaml through the real
 * hook must give exactly response.yaml (`UPDATE_GOLDEN=1` rewrites both; review the YAML diff).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { KubeObject } from '../../../hooks/lib/k8s';
import { runHook } from '../../../hooks/metacontroller/dispatch';
import { postgresClusterController } from '../../../hooks/postgrescluster/controller';
import { expectGolden } from '../../support/golden';
import { CTX, request, sync } from '../../support/cluster-world';
import { CASES } from './cases';

const dir = (name: string) => join(__dirname, name);

describe.each(Object.keys(CASES))('golden %s', (name) => {
  it('answers exactly the recorded response', () => {
    if (process.env['UPDATE_GOLDEN'] === '1')
      expectGolden(join(dir(name), 'request.yaml'), request(CASES[name]!()));
    const body = parse(readFileSync(join(dir(name), 'request.yaml'), 'utf8')) as unknown;
    expectGolden(
      join(dir(name), 'response.yaml'),
      runHook({ def: postgresClusterController, hook: 'sync', body, ctx: CTX }),
    );
  });

  it('the recorded request is what the case builds (fixtures have not drifted)', () => {
    const recorded: unknown = parse(readFileSync(join(dir(name), 'request.yaml'), 'utf8'));
    expect(recorded).toEqual(JSON.parse(JSON.stringify(request(CASES[name]!()))));
  });
});

const statefulSet = (children: KubeObject[]) => children.find((c) => c.kind === 'StatefulSet');

describe('missing credentials', () => {
  it('leave the StatefulSet of an existing cluster running exactly what it ran (only the spec record changes)', () => {
    const world = CASES['missing-secret']!();
    const withoutBackup = { ...(world.parent['spec'] as object), backup: undefined };
    const before = statefulSet(sync({ ...world, parent: { ...world.parent, spec: withoutBackup } }).children);
    expect(statefulSet(sync(world).children)?.['spec']).toEqual(before?.['spec']);
  });

  it('hold back the StatefulSet of a cluster that must be restored', () => {
    expect(statefulSet(sync(CASES['restore-missing-secret']!()).children)).toBeUndefined();
  });
});
