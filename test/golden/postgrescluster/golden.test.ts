/**
 * Whole-sync goldens: each case's request.yaml (a realistic Metacontroller request) through the real
 * hook must give exactly response.yaml. Review the YAML diff when a change alters one.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { runHook } from '../../../hooks/metacontroller/dispatch';
import { postgresClusterController } from '../../../hooks/postgrescluster/controller';
import { expectGolden } from '../../support/golden';
import { CTX, request, sync } from '../../support/cluster-world';
import { CASES, HA } from './cases';

const dir = (name: string) => join(__dirname, name);

describe.each(Object.keys(CASES))('golden %s', (name) => {
  it('answers exactly the recorded response', () => {
    if (process.env['UPDATE_GOLDEN'] === '1')
      expectGolden(join(dir(name), 'request.yaml'), request(CASES[name]!()));
    const body = parse(readFileSync(join(dir(name), 'request.yaml'), 'utf8')) as { finalizing?: boolean };
    const hook = body.finalizing ? 'finalize' : 'sync';
    expectGolden(
      join(dir(name), 'response.yaml'),
      runHook({ def: postgresClusterController, hook, body, ctx: CTX }),
    );
  });

  it('the recorded request is what the case builds (fixtures have not drifted)', () => {
    const recorded: unknown = parse(readFileSync(join(dir(name), 'request.yaml'), 'utf8'));
    expect(recorded).toEqual(JSON.parse(JSON.stringify(request(CASES[name]!()))));
  });
});

describe('invalid spec over an existing cluster', () => {
  it('changes no child: every child is what the last valid spec renders', () => {
    const world = CASES['invalid-spec']!();
    const invalid = sync(world);
    const lastValid = sync({ ...world, parent: { ...world.parent, spec: HA } });
    expect(invalid.children).toEqual(lastValid.children);
    const specValid = (invalid.status['conditions'] as { type: string; status: string }[]).find(
      (c) => c.type === 'SpecValid',
    );
    expect(specValid?.status).toBe('False');
  });
});
