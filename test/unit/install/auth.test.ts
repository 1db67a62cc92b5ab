/**
 * Bearer authentication in the install (issues 13 and 15): Metacontroller's `endpointConfigs` are per
 * controller, so EVERY CompositeController and DecoratorController that calls the hook service must
 * carry them, or its calls go out without the token. The Secret they name is created by the hook
 * service at its first start; until then Metacontroller does not start the controller and retries
 * (v4.17.2 pkg/hooks/auth.go `ResolveAuthorization`, called from `newParentController` on each
 * reconcile of the controller object, which controller-runtime requeues with a growing delay).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../hooks/config';
import { CONTROLLERS } from '../../../hooks/controllers';
import { env, find, type Obj, parseFile, ROOT, yamlFiles } from './manifests-read';

const SECRET_REF = { name: 'pgmeta-hooks-auth', namespace: 'pgmeta-system', key: 'token' };

/** Every controller object in the repository's install YAML, components included. */
const controllers: Obj[] = [join(ROOT, 'composite-controllers'), join(ROOT, 'manifests')]
  .flatMap(yamlFiles)
  .flatMap(parseFile)
  .filter((o) => o['kind'] === 'CompositeController' || o['kind'] === 'DecoratorController');

/**
 * The endpointConfigs entry Metacontroller would use for a hook URL: host compared case-insensitively,
 * with the scheme's default port or without (pkg/hooks/endpoint_config.go `matchEndpointConfig`).
 */
function matchEndpointConfig(hookUrl: string, configs: Obj[]): Obj | undefined {
  const u = new URL(hookUrl);
  const port = u.port === '' ? (u.protocol === 'https:' ? '443' : '80') : u.port;
  const hosts = [u.host, `${u.hostname}:${port}`].map((h) => h.toLowerCase());
  if (port === (u.protocol === 'https:' ? '443' : '80')) hosts.push(u.hostname.toLowerCase());
  return configs.find((c) => hosts.includes(String(c['host']).toLowerCase()));
}

describe('every controller that calls the hook service sends the bearer token', () => {
  it('finds a controller object for every controller the service serves (components included)', () => {
    const names = controllers.map((c) => c['metadata'].name as string).sort();
    expect(names).toEqual(CONTROLLERS.map((c) => c.name).sort());
  });

  it.each(controllers.map((c) => [c['metadata'].name as string, c] as const))('%s', (_name, cc) => {
    const hooks = Object.entries(cc['spec'].hooks as Record<string, Obj>);
    expect(hooks.length).toBeGreaterThan(0);
    for (const [hook, spec] of hooks) {
      const webhook = spec['webhook'] as Obj;
      // A per-hook auth field would replace the endpoint config for that hook (ResolveEndpointConfig).
      for (const field of ['authorization', 'basicAuth', 'clientTLS', 'caBundle']) {
        expect([hook, webhook[field]]).toEqual([hook, undefined]);
      }
      const config = matchEndpointConfig(String(webhook['url']), (cc['spec'].endpointConfigs ?? []) as Obj[]);
      expect([hook, config?.['authorization']]).toEqual([hook, { type: 'Bearer', secretRef: SECRET_REF }]);
    }
  });
});

describe('the token Secret: shipped without a token, filled by the service', () => {
  it('ships no data: no token for Metacontroller before the service writes one, nothing a re-apply overwrites', () => {
    const secret = find('Secret', SECRET_REF.name);
    expect(secret['metadata'].name).toBe(SECRET_REF.name);
    expect(secret['data']).toBeUndefined();
    expect(secret['stringData']).toBeUndefined();
  });

  it('the hook Deployment reads that Secret in its own namespace, and may read and fill it', () => {
    expect(env('PGMETA_AUTH_SECRET')?.['value']).toBe(SECRET_REF.name);
    expect(SECRET_REF.namespace).toBe('pgmeta-system');
    const role = find('Role');
    const rule = (role['rules'] as Obj[]).find((r) =>
      (r['resourceNames'] as string[]).includes(SECRET_REF.name),
    );
    expect(rule?.['verbs']).toEqual(expect.arrayContaining(['get', 'update']));
  });

  it("the service refuses the Deployment's address without a token (so the token is never optional)", () => {
    const config = loadConfig({ HOST: String(env('HOST')?.['value']) }, join(ROOT, 'no-service-account'));
    expect(config.host).toBe('0.0.0.0');
    expect(config.insecure).toBe(false);
    expect(env('PGMETA_INSECURE')).toBeUndefined();
  });
});

describe('every served controller declares the parent type of its install YAML', () => {
  const parentOf = (o: Obj): string =>
    o['kind'] === 'CompositeController'
      ? `${o['spec'].parentResource.apiVersion}/${o['spec'].parentResource.resource}`
      : `${o['spec'].resources[0].apiVersion}/${o['spec'].resources[0].resource}`;

  it.each(controllers.map((c) => [c['metadata'].name as string, c] as const))('%s', (name, yaml) => {
    const def = CONTROLLERS.find((c) => c.name === name);
    expect(def?.parent).toBeDefined();
    const plural = `${def!.parent!.kind.toLowerCase()}s`;
    expect(`${def!.parent!.apiVersion}/${plural}`).toBe(parentOf(yaml));
  });
});

describe('loadConfig reads the tokens from the mounted Secret', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pgmeta-auth-'));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const files = (o: { token?: string; previous?: string }) => {
    const token = join(dir, 'token');
    const previous = join(dir, 'previous-token');
    rmSync(previous, { force: true });
    writeFileSync(token, o.token ?? '');
    if (o.previous !== undefined) writeFileSync(previous, o.previous);
    return loadConfig(
      { PGMETA_AUTH_TOKEN_FILE: token, PGMETA_AUTH_PREVIOUS_TOKEN_FILE: previous },
      join(ROOT, 'no-service-account'),
    );
  };

  it('an empty token file means no token from files, even with a previous one', () => {
    expect(files({}).authToken).toBeUndefined();
    expect(files({ previous: 'old' }).previousAuthToken).toBeUndefined();
  });

  it('a token, and during a rotation the previous one too', () => {
    expect(files({ token: 'new\n' })).toMatchObject({ authToken: 'new' });
    expect(files({ token: 'new', previous: 'old' })).toMatchObject({
      authToken: 'new',
      previousAuthToken: 'old',
    });
  });
});
