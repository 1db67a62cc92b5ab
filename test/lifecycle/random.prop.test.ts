/**
 * Random sequences of spec edits (valid, and invalid ones that are reverted a little later) and pod
 * events through the emulator, with partial progress between them. Throughout (checked after every
 * sync by the scenario): status never names two primaries, status.primary is the pod labelled
 * primary, no two pods are labelled primary, the phase agrees with the pods. At the end: the loop
 * settles, nothing data-bearing was deleted, the cluster runs what the last valid spec says, and
 * further syncs change nothing.
 */
import fc from 'fast-check';
import type { KubeObject } from '../../hooks/lib/k8s';
import { useLifecycle, type Scenario } from './scenario';

/** Runs per property; CI may ask for more (LIFECYCLE_RUNS), the timeout grows with them (10 s a run: shared CI runners). */
const RUNS = Number(process.env['LIFECYCLE_RUNS'] ?? 30);

const IMAGES = [
  'ghcr.io/zalando/spilo-17:4.0-p3',
  'ghcr.io/zalando/spilo-17:4.0-p4',
  'ghcr.io/zalando/spilo-17:4.0-p5',
];

type Action =
  | { kind: 'replicas'; n: number }
  | { kind: 'param'; name: 'max_connections' | 'work_mem' | 'shared_buffers'; value: string }
  | { kind: 'image'; image: string }
  | { kind: 'grow' }
  | { kind: 'invalid'; what: 'downgrade' | 'shrink' | 'bad-param' }
  | { kind: 'podDeleted' | 'podKilled'; ordinal: number }
  | { kind: 'switchover'; ordinal: number }
  | { kind: 'paused' | 'stopped'; steps: number };

const PARAM_VALUES = {
  max_connections: ['100', '150', '200'],
  work_mem: ['4MB', '8MB'],
  shared_buffers: ['128MB', '256MB'],
} as const;

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constant('replicas' as const), n: fc.integer({ min: 1, max: 4 }) }),
  fc.constantFrom('max_connections' as const, 'work_mem' as const, 'shared_buffers' as const).chain((name) =>
    fc.record({
      kind: fc.constant('param' as const),
      name: fc.constant(name),
      value: fc.constantFrom(...PARAM_VALUES[name]),
    }),
  ),
  fc.record({ kind: fc.constant('image' as const), image: fc.constantFrom(...IMAGES) }),
  fc.constant({ kind: 'grow' as const }),
  fc.record({
    kind: fc.constant('invalid' as const),
    what: fc.constantFrom('downgrade' as const, 'shrink' as const, 'bad-param' as const),
  }),
  fc.record({
    kind: fc.constantFrom('podDeleted' as const, 'podKilled' as const),
    ordinal: fc.integer({ min: 0, max: 3 }),
  }),
  fc.record({ kind: fc.constant('switchover' as const), ordinal: fc.integer({ min: 0, max: 3 }) }),
  fc.record({
    kind: fc.constantFrom('paused' as const, 'stopped' as const),
    steps: fc.integer({ min: 0, max: 6 }),
  }),
);

/** The spec as the user last left it valid. */
interface Model {
  replicas: number;
  image: string;
  sizeGi: number;
  params: Record<string, string>;
}

async function steps(s: Scenario, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await s.step();
}

async function apply(s: Scenario, m: Model, a: Action, pause: number): Promise<void> {
  const exists = (ordinal: number) => s.then.podNames().includes(`orders-${ordinal}`);
  switch (a.kind) {
    case 'replicas':
      m.replicas = a.n;
      s.when.specEdited({ replicas: a.n });
      break;
    case 'param':
      m.params[a.name] = a.value;
      s.when.specEdited({ postgresqlParams: { [a.name]: a.value } });
      break;
    case 'image':
      m.image = a.image;
      s.when.specEdited({ image: a.image });
      break;
    case 'grow':
      m.sizeGi += 5;
      s.when.specEdited({ storage: { size: `${m.sizeGi}Gi` } });
      break;
    case 'invalid': {
      const bad = {
        downgrade: { version: '15' },
        shrink: { storage: { size: '1Gi' } },
        'bad-param': { postgresqlParams: { max_connections: 'lots' } },
      }[a.what];
      const back = {
        downgrade: { version: '16' },
        shrink: { storage: { size: `${m.sizeGi}Gi` } },
        'bad-param': { postgresqlParams: { max_connections: m.params['max_connections'] ?? null } },
      }[a.what];
      s.when.specEdited(bad);
      await steps(s, pause);
      s.when.specEdited(back);
      break;
    }
    case 'podDeleted':
      if (exists(a.ordinal)) s.when.podDeleted(a.ordinal);
      break;
    case 'podKilled':
      if (exists(a.ordinal)) s.when.podKilled(a.ordinal);
      break;
    case 'switchover':
      s.when.annotated({ 'pgmeta.io/switchover-to': `orders-${a.ordinal}` });
      break;
    case 'paused':
    case 'stopped':
      s.when.specEdited({ [a.kind]: true });
      await steps(s, a.steps);
      s.when.specEdited({ [a.kind]: null });
      break;
  }
  await steps(s, pause);
}

function containerOf(pod: KubeObject): { image: string } {
  return (pod['spec'] as { containers: { image: string }[] }).containers[0]!;
}

describe('lifecycle: random edits and pod events', () => {
  const world = useLifecycle();

  it(
    'keep the invariants, settle, and end where the last valid spec says',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(actionArb, fc.integer({ min: 0, max: 3 })), { minLength: 1, maxLength: 10 }),
          async (actions) => {
            const s = world.scenario({ maxSteps: 300 });
            const m: Model = { replicas: 3, image: IMAGES[0]!, sizeGi: 10, params: {} };
            await s.given.cluster({ version: '16', replicas: 3, image: m.image, storage: { size: '10Gi' } });
            for (const [action, pause] of actions) await apply(s, m, action, pause);
            s.when.annotated({ 'pgmeta.io/switchover-to': null });
            await s.settle();

            s.then.phase('Running');
            expect(s.then.podNames()).toHaveLength(m.replicas);
            const pods = s.store
              .list('Pod', 'shop')
              .filter((p) => s.then.podNames().includes(p.metadata.name));
            expect(pods.map((p) => containerOf(p).image)).toEqual(pods.map(() => m.image));
            for (const [name, value] of Object.entries(m.params)) {
              for (const pod of pods) expect(s.then.runningParameter(pod.metadata.name, name)).toBe(value);
            }
            const sizes = s.store
              .list('PersistentVolumeClaim', 'shop')
              .filter((p) => Number(/-(\d+)$/.exec(p.metadata.name)?.[1]) < m.replicas)
              .map((p) => (p['status'] as { capacity?: { storage?: string } }).capacity?.storage);
            expect(sizes).toEqual(Array.from({ length: m.replicas }, () => `${m.sizeGi}Gi`));
            s.then.noDataBearingObjectDeleted();
            await s.then.steadyState();
          },
        ),
        { numRuns: RUNS, endOnFailure: true },
      );
    },
    Math.max(120_000, RUNS * 10_000),
  );
});
