/**
 * checkSpec's errors for specs the CRD schema refuses and for those its semantic checks refuse, each
 * with the Kubernetes field path. The result's other properties are in check-spec-result.test.ts.
 */
import { describe, expect, it } from '@jest/globals';
import type { FieldError } from '../../../../hooks/postgrescluster/spec/index.js';
import { BASE, errorsOf } from './check-spec-support.js';

describe('schema errors, with Kubernetes field paths', () => {
  it.each<[string, unknown, FieldError[]]>([
    ['no spec', undefined, [{ path: 'spec', message: 'required' }]],
    ['a null spec', null, [{ path: 'spec', message: 'must be an object' }]],
    ['a missing version', { storage: { size: '1Gi' } }, [{ path: 'spec.version', message: 'required' }]],
    [
      'an unsupported version',
      { ...BASE, version: '12' },
      [{ path: 'spec.version', message: 'must be one of 13, 14, 15, 16, 17, 18' }],
    ],
    [
      'a number as version',
      { ...BASE, version: 16 },
      [{ path: 'spec.version', message: 'must be a string' }],
    ],
    ['too many replicas', { ...BASE, replicas: 101 }, [{ path: 'spec.replicas', message: 'must be <= 100' }]],
    [
      'fractional replicas',
      { ...BASE, replicas: 1.5 },
      [{ path: 'spec.replicas', message: 'must be an integer' }],
    ],
    [
      'a typo in a field name',
      { ...BASE, storage: { size: '1Gi', storgeClass: 'x' } },
      [{ path: 'spec.storage.storgeClass', message: 'unknown field' }],
    ],
    [
      'a field that does not exist (replicas misspelt)',
      { ...BASE, replica: 3 },
      [{ path: 'spec.replica', message: 'unknown field' }],
    ],
    [
      'a bad retention policy',
      { ...BASE, storage: { size: '1Gi', retentionPolicy: { whenDeleted: 'Keep' } } },
      [{ path: 'spec.storage.retentionPolicy.whenDeleted', message: 'must be one of Retain, Delete' }],
    ],
    [
      'a float resource',
      { ...BASE, resources: { requests: { cpu: 0.5 } } },
      [
        {
          path: 'spec.resources.requests.cpu',
          message: 'must be an integer or a string (quote other values in YAML)',
        },
      ],
    ],
    [
      'a boolean setting (an unquoted off, as kubectl sends it)',
      { ...BASE, postgresqlParams: { jit: false } },
      [
        {
          path: 'spec.postgresqlParams.jit',
          message:
            'must be an integer or a string: kubectl sent the boolean false, which is how YAML 1.1 reads ' +
            'an unquoted n, no, false or off: quote the word to send it as a string',
        },
      ],
    ],
    [
      'a boolean for a string enum (an unquoted on)',
      { ...BASE, replicas: 2, synchronous: { mode: true } },
      [
        {
          path: 'spec.synchronous.mode',
          message:
            'must be a string: kubectl sent the boolean true, which is how YAML 1.1 reads an unquoted ' +
            'y, yes, true or on: quote the word to send it as a string',
        },
      ],
    ],
    [
      'a boolean in a map of strings (an annotation value yes)',
      { ...BASE, service: { annotations: { 'example.com/internal': true } } },
      [
        {
          path: 'spec.service.annotations[example.com/internal]',
          message: expect.stringContaining(
            'must be a string: kubectl sent the boolean true',
          ) as unknown as string,
        },
      ],
    ],
    [
      'a field kubectl sent as "true" (an unquoted on as a key)',
      { ...BASE, tls: { true: 'x' } },
      [
        {
          path: 'spec.tls.true',
          message:
            'unknown field: kubectl sent the key "true", which is how YAML 1.1 reads an unquoted y, yes, ' +
            'true or on as a key: quote the key if you meant one of those words',
        },
      ],
    ],
    [
      'a bad CIDR',
      { ...BASE, service: { type: 'LoadBalancer', loadBalancerSourceRanges: ['10.0.0.0/33'] } },
      [{ path: 'spec.service.loadBalancerSourceRanges[0]', message: 'must be a CIDR such as 10.0.0.0/8' }],
    ],
    [
      'a toleration with a bad effect',
      { ...BASE, tolerations: [{ key: 'a', effect: 'Never' }] },
      [
        {
          path: 'spec.tolerations[0].effect',
          message: 'must be one of NoSchedule, PreferNoSchedule, NoExecute',
        },
      ],
    ],
    [
      'an annotation key that is not an identifier',
      { ...BASE, service: { annotations: { 'example.com/lb': 1 } } },
      [{ path: 'spec.service.annotations[example.com/lb]', message: 'must be a string' }],
    ],
    [
      'an upper-case database',
      { ...BASE, bootstrap: { database: 'App' } },
      [{ path: 'spec.bootstrap.database', message: 'must match pattern "^[a-z_][a-z0-9_]*$"' }],
    ],
    [
      'a setting value too long for the CRD',
      { ...BASE, postgresqlParams: { application_name: 'x'.repeat(4097) } },
      [
        {
          path: 'spec.postgresqlParams.application_name',
          message: 'must NOT have more than 4096 characters',
        },
      ],
    ],
  ])('%s', (_what, spec, expected) => {
    expect(errorsOf(spec)).toEqual(expected);
  });
});

describe('semantic checks', () => {
  it.each<[string, unknown, FieldError[]]>([
    [
      'an SQL reserved word as database',
      { ...BASE, bootstrap: { database: 'user' } },
      [{ path: 'spec.bootstrap.database', message: 'must not be an SQL reserved word' }],
    ],
    [
      'a maintenance Window without its window',
      { ...BASE, maintenance: { imageUpdates: 'Window' } },
      [{ path: 'spec.maintenance.window', message: 'required when imageUpdates is Window' }],
    ],
    [
      'an image with a blank',
      { ...BASE, image: 'spilo:1 ' },
      [{ path: 'spec.image', message: 'must not contain blanks' }],
    ],
    [
      'a bad annotation key',
      { ...BASE, service: { annotations: { 'a b': 'x' } } },
      [
        {
          path: 'spec.service.annotations[a b]',
          message: 'key must be a qualified name such as example.com/name',
        },
      ],
    ],
    [
      'a bad node label value',
      { ...BASE, nodeSelector: { 'kubernetes.io/os': 'linux os' } },
      [
        {
          path: 'spec.nodeSelector[kubernetes.io/os]',
          message: 'must be a label value: up to 63 letters, digits, -, _ or .',
        },
      ],
    ],
    [
      'a value with operator Exists',
      { ...BASE, tolerations: [{ key: 'a', operator: 'Exists', value: 'b' }] },
      [{ path: 'spec.tolerations[0].value', message: 'must be empty when operator is Exists' }],
    ],
    [
      'no key without Exists',
      { ...BASE, tolerations: [{ value: 'b' }] },
      [{ path: 'spec.tolerations[0].operator', message: 'must be Exists when key is empty' }],
    ],
    [
      'tolerationSeconds without NoExecute',
      { ...BASE, tolerations: [{ key: 'a', tolerationSeconds: 5 }] },
      [{ path: 'spec.tolerations[0].effect', message: 'must be NoExecute when tolerationSeconds is set' }],
    ],
  ])('%s', (_what, spec, expected) => {
    expect(errorsOf(spec)).toEqual(expected);
  });

  it('accepts well-formed keys, labels and tolerations', () => {
    const spec = {
      ...BASE,
      service: { annotations: { 'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb' } },
      nodeSelector: { 'kubernetes.io/os': 'linux', pool: '' },
      tolerations: [
        { operator: 'Exists' },
        { key: 'dedicated', value: 'db', effect: 'NoExecute', tolerationSeconds: 30 },
      ],
    };
    expect(errorsOf(spec)).toEqual([]);
  });
});
