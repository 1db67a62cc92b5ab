import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { CONTROLLERS } from '../../../hooks/controllers';
import type { KubeObject } from '../../../hooks/lib/k8s';
import { checkCustomize } from '../../../hooks/metacontroller/customize';
import { HookError } from '../../../hooks/metacontroller/errors';

const rule = { apiVersion: 'v1', resource: 'secrets', namespace: 'ns', names: ['a'] };
const ctx = { now: '2026-01-01T00:00:00Z', operatorKey: new Uint8Array(32).fill(3) };

function refusal(rules: unknown[]): string {
  try {
    checkCustomize({ relatedResources: rules });
  } catch (e) {
    if (e instanceof HookError) return e.message;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('checkCustomize: only what Metacontroller v4.17.2 decodes, as meant', () => {
  it('accepts a rule with the keys of RelatedResourceRule', () => {
    expect(checkCustomize({ relatedResources: [rule] })).toEqual({ relatedResources: [rule] });
  });

  it.each([
    [{ ...rule, name: 'a' }, /unknown keys .*relatedResources\[0\]\.name/],
    [
      { apiVersion: 'v1', resource: 'pods', labelSelector: { matchLabel: { a: 'b' } } },
      /relatedResources\[0\]\.labelSelector\.matchLabel/,
    ],
    [{ ...rule, names: [] }, /names is empty: Metacontroller would select every object/],
    // sanitize drops nulls, which would leave an empty list behind
    [{ ...rule, names: [null] }, /names is empty/],
    [{ ...rule, labelSelector: {} }, /names excludes/],
  ])('refuses %j', (bad, message) => {
    expect(refusal([bad])).toMatch(message);
  });
});

/** Every example parent of the kinds our CompositeControllers watch. */
function exampleParents(): KubeObject[] {
  const dir = join(__dirname, '../../../examples');
  return ['cluster.yaml', 'cluster-ha.yaml', 'cluster-backup.yaml', 'cluster-tuned.yaml', 'database.yaml']
    .flatMap((f) => parseAllDocuments(readFileSync(join(dir, f), 'utf8')).map((d) => d.toJS() as KubeObject))
    .filter((o) => o.kind.startsWith('Postgres'))
    .map((o) => ({ ...o, metadata: { namespace: 'shop', uid: 'u1', ...o.metadata } }));
}

describe('every customize answer passes v2 strict decoding and never has an empty names list', () => {
  const parents = exampleParents();

  it.each(CONTROLLERS.filter((c) => c.customize !== undefined).map((c) => [c.name, c] as const))(
    '%s',
    (_name, def) => {
      let checked = 0;
      for (const parent of parents) {
        let answer;
        try {
          answer = def.customize?.({ controller: {}, parent } as never, ctx);
        } catch {
          continue; // a parent of another kind: not this controller's
        }
        expect(() => checkCustomize(answer)).not.toThrow();
        checked++;
      }
      expect(checked).toBeGreaterThan(0);
    },
  );
});
