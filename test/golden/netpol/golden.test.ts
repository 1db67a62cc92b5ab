/**
 * Whole-sync goldens of clusters with PgBouncer poolers: each case's request.yaml through the real
 * hook must give exactly response.yaml (`UPDATE_GOLDEN=1 npx jest test/golden` rewrites them).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { runHook } from '../../../hooks/metacontroller/dispatch';
import { postgresClusterController } from '../../../hooks/postgrescluster/controller';
import { expectGolden } from '../../support/golden';
import { CTX, request } from '../../support/cluster-world';
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
