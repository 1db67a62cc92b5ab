/**
 * The parameter Job's Python `plan_restarts` is the twin of `planRestarts` (restart-plan.ts, which
 * the Patroni rig proves on real Patroni): for any `GET /cluster` body both give the same plan.
 * Runs python3 once over a batch of generated inputs.
 */
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { PARAMS_SCRIPT } from '../../../../hooks/postgrescluster/day2/params-script';
import { planRestarts, type PatroniCluster } from '../../../../hooks/postgrescluster/patroni/restart-plan';

const member = fc.record(
  {
    name: fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/),
    role: fc.constantFrom(
      'leader',
      'master',
      'primary',
      'standby_leader',
      'sync_standby',
      'quorum_standby',
      'replica',
      'x',
    ),
    state: fc.constantFrom('running', 'streaming', 'starting', 'stopped', 'crashed', 'restarting'),
    api_url: fc.webUrl(),
    pending_restart: fc.constantFrom(true, false),
  },
  { requiredKeys: ['name', 'role', 'state'] },
);
const clusterArb = fc.record({ members: fc.array(member, { maxLength: 8 }) });

/** Runs the Job's own program with `main` replaced by a batch evaluation of plan_restarts. */
function pythonPlans(inputs: readonly PatroniCluster[]): unknown[] {
  const program = PARAMS_SCRIPT.replace(
    "if __name__ == '__main__':\n    main()",
    'print(json.dumps([plan_restarts(c) for c in json.loads(sys.stdin.read())]))',
  );
  expect(program).not.toBe(PARAMS_SCRIPT);
  const run = spawnSync('python3', ['-c', program], { input: JSON.stringify(inputs), encoding: 'utf8' });
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout) as unknown[];
}

describe('plan_restarts (Python, in the parameter Job) and planRestarts (TypeScript)', () => {
  it('plan the same restarts for any cluster', () => {
    const inputs = fc.sample(clusterArb, { numRuns: 400, seed: 4 });
    const python = pythonPlans(inputs);
    inputs.forEach((input, i) => {
      expect(python[i]).toEqual(planRestarts(input));
    });
  });

  it('agree on a case with every kind of member, in the documented order', () => {
    const input: PatroniCluster = {
      members: [
        {
          name: 'b',
          role: 'leader',
          state: 'running',
          api_url: 'http://b:8008/patroni',
          pending_restart: true,
        },
        {
          name: 'c',
          role: 'sync_standby',
          state: 'streaming',
          api_url: 'http://c:8008/patroni',
          pending_restart: true,
        },
        {
          name: 'a',
          role: 'replica',
          state: 'running',
          api_url: 'http://a:8008/patroni',
          pending_restart: true,
        },
        {
          name: 'd',
          role: 'replica',
          state: 'starting',
          api_url: 'http://d:8008/patroni',
          pending_restart: true,
        },
      ],
    };
    const [python] = pythonPlans([input]);
    expect((python as { member: string }[]).map((s) => s.member)).toEqual(['a', 'c', 'b']);
    expect(python).toEqual(planRestarts(input));
  });
});
