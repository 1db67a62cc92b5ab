import fc from 'fast-check';
import { runHook } from '../../hooks/metacontroller/dispatch';
import { HookError } from '../../hooks/metacontroller/errors';
import { echoController, echoRequest } from '../support/test-controllers';
import type { KubeObject } from '../../hooks/lib/k8s';

const ctx = { now: '2026-01-01T00:00:00Z', operatorKey: new Uint8Array(32) };
const DECLARED = new Set(['ConfigMap.v1', 'Secret.v1']);

const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/);
const leaf = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(undefined));
const envVar = fc.record({ name, value: fc.oneof(fc.constant(''), fc.string(), fc.constant(null)) });
const child = fc.record({
  apiVersion: fc.constantFrom('v1', 'apps/v1', 'v2'),
  kind: fc.constantFrom('ConfigMap', 'Secret', 'Pod', 'StatefulSet'),
  metadata: fc.record({ name, labels: fc.option(fc.dictionary(name, fc.string()), { nil: undefined }) }),
  data: fc.dictionary(name, leaf),
  spec: fc.record({
    env: fc.array(envVar, { maxLength: 4 }),
    extra: fc.option(fc.dictionary(name, leaf), { nil: null }),
  }),
});
const observed = fc.array(
  fc.record({
    apiVersion: fc.constant('v1'),
    kind: fc.constantFrom('ConfigMap', 'Secret'),
    metadata: fc.record({ name }),
  }),
  { maxLength: 4 },
);
const scenario = fc.record({
  desired: fc.array(child, { maxLength: 6 }),
  observed,
  keys: fc.constantFrom('v1' as const, 'v2' as const),
});

/** The answer as the server would send it: its JSON, or the error reason. */
function answer(body: unknown): string {
  try {
    return JSON.stringify(runHook({ def: echoController, hook: 'sync', body, ctx }));
  } catch (e) {
    if (!(e instanceof HookError)) throw e;
    return `error:${e.reason}`;
  }
}

/** The same request with every object's keys in reverse order and the desired list reversed. */
function reshuffled(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reshuffled);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([k, v]) => [k, reshuffled(v)]),
  );
}

function walk(value: unknown, visit: (v: unknown, key: string) => void, key = ''): void {
  visit(value, key);
  if (Array.isArray(value))
    value.forEach((v) => {
      walk(v, visit, key);
    });
  else if (typeof value === 'object' && value !== null)
    for (const [k, v] of Object.entries(value)) walk(v, visit, k);
}

describe('response builder properties', () => {
  it('is deterministic: same request, byte-identical answer, whatever the key or list order', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const body = echoRequest({ desired: s.desired, observed: s.observed, keys: s.keys });
        const first = answer(body);
        expect(answer(structuredClone(body))).toBe(first);
        const shuffled = reshuffled(body) as { parent: { spec: { desired: unknown[] } } };
        shuffled.parent.spec.desired.reverse();
        // Errors are compared by reason only, which no reordering can change.
        expect(answer(shuffled)).toBe(first);
      }),
      { numRuns: 300 },
    );
  });

  it('never emits null, undefined or an empty-string env value', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const out = answer(echoRequest({ desired: s.desired, observed: s.observed }));
        if (out.startsWith('error:')) return;
        walk(JSON.parse(out), (v, key) => {
          expect(v).not.toBeNull();
          if (key === 'env' && Array.isArray(v))
            for (const e of v as { value?: unknown }[]) expect(e.value).not.toBe('');
        });
        expect(out).not.toContain('null');
      }),
      { numRuns: 300 },
    );
  });

  it('never emits a child of an undeclared type, and refuses rather than dropping one', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const out = answer(echoRequest({ desired: s.desired, observed: s.observed }));
        const undeclared = s.desired.some((c) => !DECLARED.has(`${c.kind}.${c.apiVersion}`));
        if (undeclared) {
          expect(out).toBe('error:InvalidResponse');
          return;
        }
        if (out.startsWith('error:')) return; // duplicates
        const children = (JSON.parse(out) as { children: KubeObject[] }).children;
        expect(children).toHaveLength(s.desired.length);
        for (const c of children) expect(DECLARED.has(`${c.kind}.${c.apiVersion}`)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
