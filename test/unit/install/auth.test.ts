/**
 * Bearer authentication in the install (issue 13): Metacontroller's `endpointConfigs` are per
 * controller, so EVERY CompositeController and DecoratorController that calls the hook service must
 * carry them, or its calls go out without the token. The Secret they name must exist (Metacontroller
 * v4.17.2 refuses to start a controller whose authorization Secret is missing, pkg/hooks/auth.go
 * `ResolveAuthorization`), and the hook Deployment must read the same Secret.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../hooks/config';
import { CONTROLLERS } from '../../../hooks/controllers';
import { container, env, find, type Obj, parseFile, podSpec, ROOT, yamlFiles } from './manifests-read';

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

describe('the token Secret and the hook Deployment', () => {
  const secret = find('Secret', SECRET_REF.name);

  it('ships the Secret with an empty token: authentication is off until turned on', () => {
    expect(secret['metadata'].name).toBe(SECRET_REF.name);
    expect(secret['data']).toEqual({ token: '' });
  });

  it('mounts that Secret and reads its token (and a previous one during a rotation) from it', () => {
    const volume = (podSpec['volumes'] as Obj[]).find((v) => v['secret']?.secretName === SECRET_REF.name);
    const mount = (container['volumeMounts'] as Obj[]).find((m) => m['name'] === volume?.['name']);
    expect(mount?.['readOnly']).toBe(true);
    expect(env('PGMETA_AUTH_TOKEN_FILE')?.['value']).toBe(`${mount?.['mountPath']}/token`);
    expect(env('PGMETA_AUTH_PREVIOUS_TOKEN_FILE')?.['value']).toBe(`${mount?.['mountPath']}/previous-token`);
    // readable by the non-root user through the pod's fsGroup
    expect(podSpec['securityContext'].fsGroup).toBe(podSpec['securityContext'].runAsGroup);
    expect(volume?.['secret'].defaultMode).toBe(0o440);
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

  it('an empty token (the default Secret) means no authentication, even with a previous one', () => {
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
