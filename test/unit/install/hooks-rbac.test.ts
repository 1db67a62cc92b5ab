/**
 * The hook service's Role (manifests/hooks/rbac.yaml) against the API calls the service makes:
 * hooks/runtime/operator-key.ts `clientNodeSecretApi` (`read`: readNamespacedSecret, `fill`:
 * readNamespacedSecret then replaceNamespacedSecret) on the operator key Secret, and get/update/patch
 * on the bearer token Secret, which the service fills at first start. Both Secrets are in the install,
 * so the Role needs no `create`, which RBAC cannot limit to a name.
 */
import { describe, expect, it } from '@jest/globals';
import { allows, type ApiRequest, type PolicyRule } from '../../support/rbac-eval';
import { env, find, objects } from './manifests-read';

const KEY_SECRET = env('PGMETA_OPERATOR_KEY_SECRET')?.['value'] as string;
const AUTH_SECRET = 'pgmeta-hooks-auth';
const rules = find('Role')['rules'] as PolicyRule[];
const secret = (verb: string, name?: string): ApiRequest => ({
  group: '',
  resource: 'secrets',
  verb,
  ...(name === undefined ? {} : { name }),
});

describe("the hook service's Role", () => {
  it.each([
    ['operator key: read (readNamespacedSecret)', secret('get', KEY_SECRET)],
    ['operator key: fill (replaceNamespacedSecret)', secret('update', KEY_SECRET)],
    ['bearer token: read', secret('get', AUTH_SECRET)],
    ['bearer token: fill', secret('update', AUTH_SECRET)],
    ['bearer token: fill by patch', secret('patch', AUTH_SECRET)],
  ])('allows %s', (_what, req) => {
    expect(allows(rules, req)).toBe(true);
  });

  it.each([
    ['creating a Secret (any name: RBAC cannot tell)', secret('create')],
    ['reading another Secret', secret('get', 'someone-else')],
    ['listing Secrets', secret('list')],
    ['watching Secrets', secret('watch')],
    ['deleting the operator key', secret('delete', KEY_SECRET)],
    ['reading a ConfigMap', { group: '', resource: 'configmaps', verb: 'get', name: KEY_SECRET }],
  ])('refuses %s', (_what, req) => {
    expect(allows(rules, req)).toBe(false);
  });

  it('finds its three Secrets in the install, the key and certificate without data (a re-apply keeps them)', () => {
    const names = objects.filter((o) => o['kind'] === 'Secret').map((o) => o['metadata'].name as string);
    expect(names.sort()).toEqual([AUTH_SECRET, KEY_SECRET, 'pgmeta-webhook-tls'].sort());
    expect(find('Secret', 'pgmeta-webhook-tls')['data']).toBeUndefined();
    expect(find('Secret', KEY_SECRET)['data']).toBeUndefined();
    expect(find('Secret', KEY_SECRET)['stringData']).toBeUndefined();
  });
});
