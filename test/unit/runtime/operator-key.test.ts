/**
 * The operator key Secret: read if present, filled (the install creates it empty) or created on first
 * start, the winner's key used when two replicas race. (test/process/operator-key.test.ts runs the
 * client-node adapter for real.)
 */
import { pino } from 'pino';
import { readOrCreateKey, type SecretApi } from '../../../hooks/runtime/operator-key';

const ref = { namespace: 'pgmeta-system', secretName: 'pgmeta-operator-key' };
const quiet = pino({ level: 'silent' });
const KEY = Buffer.alloc(32, 9).toString('base64');

function memoryApi(
  initial?: Record<string, string>,
  raceWinner?: Record<string, string>,
): SecretApi & { created: number; filled: number } {
  let stored = initial;
  const api = {
    created: 0,
    filled: 0,
    read: () => Promise.resolve(stored),
    fill: (_r: unknown, data: Record<string, string>) => {
      if (raceWinner) {
        stored = raceWinner;
        return Promise.resolve('taken' as const);
      }
      api.filled++;
      stored = data;
      return Promise.resolve('filled' as const);
    },
    create: (_r: unknown, data: Record<string, string>) => {
      if (raceWinner) {
        stored = raceWinner;
        return Promise.resolve('exists' as const);
      }
      api.created++;
      stored = data;
      return Promise.resolve('created' as const);
    },
  };
  return api;
}

describe('readOrCreateKey', () => {
  it('uses the existing Secret', async () => {
    const api = memoryApi({ key: KEY });
    expect(Buffer.from(await readOrCreateKey(api, ref, quiet)).toString('base64')).toBe(KEY);
    expect(api.created).toBe(0);
  });

  it('creates a 32-byte key once when absent, and the next start reads the same', async () => {
    const api = memoryApi();
    const first = await readOrCreateKey(api, ref, quiet);
    expect(first).toHaveLength(32);
    expect(await readOrCreateKey(api, ref, quiet)).toEqual(first);
    expect(api.created).toBe(1);
  });

  it('fills the empty Secret the install creates, without creating any (issue 15: no create in RBAC)', async () => {
    const api = memoryApi({});
    const first = await readOrCreateKey(api, ref, quiet);
    expect(first).toHaveLength(32);
    expect(await readOrCreateKey(api, ref, quiet)).toEqual(first);
    expect([api.filled, api.created]).toEqual([1, 0]);
  });

  it("uses the other replica's key when it filled the empty Secret first", async () => {
    const api = memoryApi({}, { key: KEY });
    expect(Buffer.from(await readOrCreateKey(api, ref, quiet)).toString('base64')).toBe(KEY);
    expect(api.created).toBe(0);
  });

  it("uses the other replica's key when it won the race", async () => {
    const api = memoryApi(undefined, { key: KEY });
    expect(Buffer.from(await readOrCreateKey(api, ref, quiet)).toString('base64')).toBe(KEY);
  });

  it('fails clearly when the Secret exists without the key', async () => {
    await expect(readOrCreateKey(memoryApi(undefined, { other: 'x' }), ref, quiet)).rejects.toThrow(
      'has no "key"',
    );
  });
});

describe('a key put in the Secret by hand', () => {
  it.each([1, 16, 31])('refuses %i bytes with a message naming the Secret', async (n) => {
    const api = memoryApi({ key: Buffer.alloc(n, 1).toString('base64') });
    await expect(readOrCreateKey(api, ref, quiet)).rejects.toThrow(
      `operator key in Secret pgmeta-system/pgmeta-operator-key (key "key") is ${n} bytes; at least 32 are required`,
    );
  });
});
