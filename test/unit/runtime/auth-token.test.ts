/**
 * The hook authentication token: written at first start into the install's Secret (which has no
 * `token` key) or a new one when the Secret is absent (so the install is authenticated without a
 * manual step), read when present, and refused when empty or short.
 */
import { pino } from 'pino';
import { join } from 'node:path';
import { loadConfig } from '../../../hooks/config';
import { readOrCreateToken, resolveAuthTokens } from '../../../hooks/runtime/auth-token';
import type { SecretApi } from '../../../hooks/runtime/operator-key';

const ref = { namespace: 'pgmeta-system', secretName: 'pgmeta-hooks-auth' };
const quiet = pino({ level: 'silent' });
const b64 = (s: string) => Buffer.from(s).toString('base64');
const LONG = 'x'.repeat(40);

function memoryApi(initial?: Record<string, string>, raceWinner?: Record<string, string>) {
  let stored = initial;
  const api = {
    created: [] as Record<string, string>[],
    filled: [] as Record<string, string>[],
    read: () => Promise.resolve(stored),
    create: (_r: unknown, data: Record<string, string>) => {
      if (raceWinner) {
        stored = raceWinner;
        return Promise.resolve('exists' as const);
      }
      api.created.push(data);
      stored = data;
      return Promise.resolve('created' as const);
    },
    fill: (_r: unknown, data: Record<string, string>) => {
      if (raceWinner) {
        stored = raceWinner;
        return Promise.resolve('taken' as const);
      }
      api.filled.push(data);
      stored = data;
      return Promise.resolve('filled' as const);
    },
  };
  return api;
}

describe('readOrCreateToken', () => {
  it('creates a random 43-character token once, and the next start reads the same', async () => {
    const api = memoryApi();
    const first = await readOrCreateToken(api, ref, quiet);
    expect(first.authToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await readOrCreateToken(api, ref, quiet)).toEqual(first);
    expect(api.created).toHaveLength(1);
    expect(Buffer.from(api.created[0]!['token']!, 'base64').toString()).toBe(first.authToken);
  });

  it("uses the other replica's token when it won the race", async () => {
    const api = memoryApi(undefined, { token: b64(LONG) });
    expect(await readOrCreateToken(api, ref, quiet)).toEqual({ authToken: LONG });
  });

  it('reads the previous token during a rotation, trimmed like Metacontroller trims', async () => {
    const api = memoryApi({ token: b64(`${LONG}\n`), 'previous-token': b64(' old-one ') });
    expect(await readOrCreateToken(api, ref, quiet)).toEqual({
      authToken: LONG,
      previousAuthToken: 'old-one',
    });
  });

  it("fills the install's Secret (no token key) in place, never creating one", async () => {
    const api = memoryApi({});
    const first = await readOrCreateToken(api, ref, quiet);
    expect(first.authToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect([api.created, api.filled.length]).toEqual([[], 1]);
    expect(await readOrCreateToken(api, ref, quiet)).toEqual(first);
  });

  it("uses the other replica's token when its fill won", async () => {
    const api = memoryApi({}, { token: b64(LONG) });
    expect(await readOrCreateToken(api, ref, quiet)).toEqual({ authToken: LONG });
  });

  it.each([{ token: '' }, { token: b64('  \n') }])(
    'refuses an existing Secret with an empty token (%j): Metacontroller already read it',
    async (data) => {
      await expect(readOrCreateToken(memoryApi(data), ref, quiet)).rejects.toThrow(
        /pgmeta-system\/pgmeta-hooks-auth has an empty "token": remove its data/,
      );
    },
  );

  it('refuses a short token', async () => {
    await expect(readOrCreateToken(memoryApi({ token: b64('short') }), ref, quiet)).rejects.toThrow(
      '"token" has 5 characters; at least 32 are required',
    );
  });
});

describe('resolveAuthTokens', () => {
  const never = (): Promise<SecretApi> => Promise.reject(new Error('no API call expected'));

  it('outside a cluster and without token files: none (the service then binds loopback only)', async () => {
    const config = loadConfig({}, join(__dirname, 'no-service-account'));
    expect(await resolveAuthTokens(config, quiet, never)).toEqual({});
    expect(config.host).toBe('127.0.0.1');
  });

  it('in a cluster: the Secret named by PGMETA_AUTH_SECRET, created when absent', async () => {
    const config = {
      ...loadConfig({}, join(__dirname, 'none')),
      inCluster: { namespace: 'ns', secretName: 'k', authSecretName: 'a' },
    };
    const api = memoryApi();
    const tokens = await resolveAuthTokens(config, quiet, () => Promise.resolve(api));
    expect(tokens.authToken).toHaveLength(43);
  });
});
