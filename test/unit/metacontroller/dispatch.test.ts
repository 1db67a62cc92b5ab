import { runHook, type HookName } from '../../../hooks/metacontroller/dispatch';
import { HookError } from '../../../hooks/metacontroller/errors';
import {
  cm,
  echoController,
  echoRequest,
  labelDecorator,
  protectedSecret,
} from '../../support/test-controllers';

const ctx = { now: '2026-01-01T00:00:00Z', operatorKey: new Uint8Array(32) };
const run = (body: unknown, hook: HookName = 'sync', def = echoController) =>
  runHook({ def, hook, body, ctx }) as Record<string, unknown>;

function failure(body: unknown, hook: HookName = 'sync'): HookError {
  try {
    run(body, hook);
  } catch (e) {
    return e as HookError;
  }
  throw new Error('expected the hook to fail');
}

describe('composite response builder', () => {
  it('emits exactly status and children, children sorted by kind then name, namespaced', () => {
    const out = run(
      echoRequest({ desired: [cm('b'), { ...protectedSecret('s'), metadata: { name: 's' } }, cm('a')] }),
    );
    expect(Object.keys(out)).toEqual(['status', 'children']);
    const children = out['children'] as { kind: string; metadata: { name: string; namespace: string } }[];
    expect(children.map((c) => `${c.kind}/${c.metadata.name}`)).toEqual([
      'ConfigMap/a',
      'ConfigMap/b',
      'Secret/s',
    ]);
    expect(children.every((c) => c.metadata.namespace === 'ns1')).toBe(true);
  });

  it.each([
    [
      'an undeclared kind',
      [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' } }],
      'undeclared type Pod.v1',
    ],
    [
      'a declared kind with another apiVersion',
      [{ apiVersion: 'v2', kind: 'ConfigMap', metadata: { name: 'x' } }],
      'undeclared type ConfigMap.v2',
    ],
    ['another namespace', [cm('x', { metadata: { name: 'x', namespace: 'other' } })], 'namespace "other"'],
    ['a duplicate', [cm('x'), cm('x')], 'duplicate child ConfigMap ns1/x'],
    [
      'no name',
      [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: {} }],
      'needs apiVersion, kind and metadata.name',
    ],
    ['no kind', [{ apiVersion: 'v1', metadata: { name: 'x' } }], 'needs apiVersion, kind and metadata.name'],
    ['a non-object', ['x'], 'is not an object'],
  ])('refuses %s', (_name, desired, message) => {
    const err = failure(echoRequest({ desired }));
    expect(err.reason).toBe('InvalidResponse');
    expect(err.message).toContain(message);
  });

  it.each(['v1', 'v2'] as const)('refuses to omit an observed protected child (%s keys)', (keys) => {
    const err = failure(echoRequest({ observed: [protectedSecret('db-superuser')], keys }));
    expect(err.reason).toBe('ProtectedChildOmitted');
    expect(err.message).toContain('Secret ns1/db-superuser');
  });

  it('allows omitting an unprotected child, and a protected one already being deleted', () => {
    const terminating = protectedSecret('old');
    terminating.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
    const out = run(echoRequest({ observed: [cm('gone'), terminating] }));
    expect(out['children']).toEqual([]);
  });

  it('keeps the protected child when it is returned', () => {
    const s = protectedSecret('db-superuser');
    expect(() => run(echoRequest({ observed: [s], desired: [s] }))).not.toThrow();
  });

  it('reads observed children with v1 and v2 keys alike', () => {
    for (const keys of ['v1', 'v2'] as const) {
      const out = run(echoRequest({ observed: [cm('a'), cm('b')], keys }));
      expect(out['status']).toEqual({ configMaps: ['a', 'b'], secrets: [] });
    }
  });

  it.each([
    [false, true, false],
    [false, undefined, undefined],
    [true, true, true],
    [true, undefined, false],
  ])('finalizing=%s finalized=%s gives %s', (finalizing, finalized, expected) => {
    const out = run(
      echoRequest({ finalizing, spec: finalized === undefined ? {} : { finalized } }),
      finalizing ? 'finalize' : 'sync',
    );
    expect(out['finalized']).toBe(expected);
  });

  it('passes a positive resyncAfterSeconds and refuses a negative one', () => {
    expect(run(echoRequest({ spec: { resyncAfterSeconds: 30 } }))['resyncAfterSeconds']).toBe(30);
    expect(run(echoRequest({ spec: { resyncAfterSeconds: 0 } }))).not.toHaveProperty('resyncAfterSeconds');
    expect(failure(echoRequest({ spec: { resyncAfterSeconds: -1 } })).reason).toBe('InvalidResponse');
  });

  it('wraps a handler exception as Internal with one line', () => {
    const err = failure(echoRequest({ spec: { throw: 'boom\n    at stack frame' } }));
    expect(err).toBeInstanceOf(HookError);
    expect(err.reason).toBe('Internal');
    expect(err.message).toBe('boom');
  });

  it('refuses a status that is not an object', () => {
    expect(failure(echoRequest({ spec: { status: ['x'] } })).message).toBe('status must be an object');
  });
});

describe('request shape', () => {
  it.each([
    ['not an object', []],
    ['no parent', { controller: {}, children: {} }],
    ['a parent without name', { controller: {}, parent: { apiVersion: 'v1', kind: 'X', metadata: {} } }],
    ['children that are not objects', { ...echoRequest(), children: { 'ConfigMap.v1': { a: 'x' } } }],
    ['finalizing that is not boolean', { ...echoRequest(), finalizing: 'yes' }],
  ])('rejects a body with %s as BadRequest', (_name, body) => {
    expect(failure(body).reason).toBe('BadRequest');
  });

  it('answers NotFound for a hook the controller lacks', () => {
    const err = (() => {
      try {
        runHook({ def: labelDecorator, hook: 'customize', body: {}, ctx });
      } catch (e) {
        return e as HookError;
      }
      return undefined;
    })();
    expect(err?.reason).toBe('NotFound');
  });
});

describe('decorator and customize', () => {
  it('keeps null label values (they remove labels) and checks attachments', () => {
    const body = {
      controller: { metadata: { name: 'labeler' } },
      object: { apiVersion: 'v1', kind: 'X', metadata: { name: 'o', namespace: 'ns1' } },
      attachments: { 'ConfigMap.v1': {} },
    };
    const out = run(body, 'sync', labelDecorator as never);
    expect(out['labels']).toEqual({ 'pgmeta.io/old': null, 'pgmeta.io/seen': 'true' });
    expect((out['attachments'] as { metadata: { namespace: string } }[])[0]?.metadata.namespace).toBe('ns1');
  });

  it('returns related rules from customize', () => {
    const out = run({ controller: {}, parent: (echoRequest() as { parent: unknown }).parent }, 'customize');
    expect(out).toEqual({ relatedResources: [{ apiVersion: 'v1', namespace: 'ns1', resource: 'pods' }] });
  });
});
