import {
  getObject,
  listObjects,
  objectsByName,
  parseObjectKey,
  typeKey,
} from '../../../hooks/metacontroller/children';
import type { ObjectMap } from '../../../hooks/metacontroller/types';
import { cm } from '../../support/test-controllers';

const v1: ObjectMap = { 'ConfigMap.v1': { b: cm('b'), a: cm('a') } };
const v2: ObjectMap = {
  'ConfigMap.v1': { 'ns1/b': cm('b', {}), 'ns1/a': cm('a') },
};
for (const o of Object.values(v2['ConfigMap.v1']!)) o.metadata.namespace = 'ns1';

describe('child maps', () => {
  it('builds type keys the way Metacontroller does', () => {
    expect(typeKey('StatefulSet', 'apps/v1')).toBe('StatefulSet.apps/v1');
    expect(typeKey('Secret', 'v1')).toBe('Secret.v1');
  });

  it.each([
    ['name', { name: 'name' }],
    ['ns/name', { namespace: 'ns', name: 'name' }],
  ])('parses inner key %s', (key, expected) => {
    expect(parseObjectKey(key)).toEqual(expected);
  });

  it.each([
    ['v1', v1],
    ['v2', v2],
  ])('reads %s keys the same way', (_v, map) => {
    expect(listObjects(map, 'ConfigMap', 'v1').map((o) => o.metadata.name)).toEqual(['a', 'b']);
    expect(
      getObject(map, { kind: 'ConfigMap', apiVersion: 'v1' }, { name: 'b', namespace: 'ns1' })?.metadata.name,
    ).toBe('b');
    expect(getObject(map, { kind: 'ConfigMap', apiVersion: 'v1' }, { name: 'b' })?.metadata.name).toBe('b');
    expect(Object.keys(objectsByName(map, 'ConfigMap', 'v1'))).toEqual(['a', 'b']);
  });

  it('does not find an object of another namespace or type', () => {
    expect(
      getObject(v2, { kind: 'ConfigMap', apiVersion: 'v1' }, { name: 'b', namespace: 'other' }),
    ).toBeUndefined();
    expect(getObject(v2, { kind: 'Secret', apiVersion: 'v1' }, { name: 'b' })).toBeUndefined();
    expect(listObjects(undefined, 'ConfigMap', 'v1')).toEqual([]);
  });
});
