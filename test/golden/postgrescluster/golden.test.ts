/**
 * Whole-sync goldens: each case's request.yaml (a realistic Metacontroller request) through the real
 * hook must give exactly response.yaml. Review the YAML diff when a change alters one.
 */
import { describeGoldens } from '../../support/golden';
import { clusterHook, request, sync } from '../../support/cluster-world';
import { CASES, HA } from './cases';

describeGoldens({ dir: __dirname, cases: CASES, request, answer: clusterHook });

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
