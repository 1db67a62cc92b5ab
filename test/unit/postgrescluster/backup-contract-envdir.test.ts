/**
 * Every value pgmeta hands to WAL-G through Spilo's envdir arrives whole.
 *
 * Spilo 4.0-p3 copies the WAL-G variables of its list from the container's environment into one
 * file each (postgres-appliance/scripts/configure_spilo.py `write_wale_environment`, for the archive
 * and, with `CLONE_`, for the restore source), and runs WAL-G as `envdir <dir> wal-g ...`. That
 * `envdir` is runit's chpst (build_scripts/prepare.sh links it), which keeps the first line of each
 * file without its trailing blanks, NUL bytes turned into line breaks (runit src/chpst.c `edir()`).
 * {@link envdirValue} is that reading.
 *
 * For any backup and restore spec and any content of the Secrets it names, the hook's StatefulSet
 * (a new cluster's) passes through that envdir only literal values without a line break and Secret
 * keys whose content the envdir keeps whole (a single trailing line break is all it may drop). A PGP
 * key is several lines by nature: it must be a file (WALG_PGP_KEY_PATH), never a variable.
 */
import { describe, expect, it, jest } from '@jest/globals';
import fc from 'fast-check';
import type { KubeObject } from '../../../hooks/lib/k8s.js';
import { userSecret } from '../../support/backup-world.js';
import { parentFrom, sync } from '../../support/cluster-world.js';
import { backup, path, restore } from './backup-contract-arbitraries.js';
import { ENVDIR } from './backup-contract-names.js';

/** A whole sync per run: allow for a loaded, shared machine (the work always finishes). */
jest.setTimeout(120_000);

/** What a variable holds after `envdir` read the file Spilo wrote it into. */
export function envdirValue(file: string): string {
  const cut = file.indexOf('\n');
  const first = cut < 0 ? file : file.slice(0, cut);
  return first.replace(/[ \t]+$/, '').replace(/\0/g, '\n');
}

const ENVDIR_NAMES = new Set([...ENVDIR, ...ENVDIR.map((n) => `CLONE_${n}`)]);

/** Secret names and keys the generators use (backup-contract-arbitraries.ts). */
const SECRET_NAMES = ['creds', 'other-creds', 'x.y', 'aws', 'pgp'];
const KEYS = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'id',
  'secret',
  'credentials.json',
  'AZURE_STORAGE_ACCESS_KEY',
  'key',
  'pass',
];
const token = fc.stringMatching(/^[A-Za-z0-9+/=]{1,40}$/);
const ARMORED =
  '-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nxcLYBGN0aGluZw==\n=abcd\n-----END PGP PRIVATE KEY BLOCK-----\n';
const content = fc.oneof(
  token,
  token.map((t) => `${t}\n`),
  token.map((t) => `${t} `),
  fc.tuple(token, token).map(([a, b]) => `${a}\n${b}`),
  fc.constant(ARMORED),
  fc.constant('{\n  "type": "service_account"\n}\n'),
);
const secrets = fc.tuple(
  ...SECRET_NAMES.map((name) =>
    fc
      .tuple(...KEYS.map(() => content))
      .map((values) => ({ name, keys: Object.fromEntries(KEYS.map((k, i) => [k, values[i] ?? ''])) })),
  ),
);
const specs = fc.record({ backup, restore: restore(path) }, { requiredKeys: [] });

interface Env {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}

function spiloEnvOf(children: KubeObject[]): Env[] {
  const sts = children.find((c) => c.kind === 'StatefulSet');
  interface Pod {
    template: { spec: { containers: { name: string; env?: Env[] }[] } };
  }
  const pod = (sts?.['spec'] as Pod | undefined)?.template.spec;
  return pod?.containers.find((c) => c.name === 'postgres')?.env ?? [];
}

function volumesOf(children: KubeObject[]): { name: string }[] {
  const sts = children.find((c) => c.kind === 'StatefulSet');
  return (sts?.['spec'] as { template: { spec: { volumes: { name: string }[] } } }).template.spec.volumes;
}

/** What the variable holds in the container, and whether the envdir passes it on whole. */
function arrivesWhole(e: Env, contents: Map<string, Record<string, string>>): boolean {
  if (e.value !== undefined) return envdirValue(e.value) === e.value;
  const ref = e.valueFrom?.secretKeyRef;
  const text = ref ? contents.get(ref.name)?.[ref.key] : undefined;
  if (text === undefined) return false; // a reference to a key the hook never saw
  return envdirValue(text) === text.replace(/\n$/, '');
}

describe("the values pgmeta hands to Spilo's WAL-G envdir", () => {
  it('are each a single line, whatever the spec and whatever the Secrets hold', () => {
    fc.assert(
      fc.property(specs, secrets, (extra, list) => {
        const parent = parentFrom({ version: '16', replicas: 2, storage: { size: '10Gi' }, ...extra });
        const related = list.map((s) => userSecret(s.name, s.keys));
        const env = spiloEnvOf(sync({ parent, children: [], related }).children);
        const contents = new Map(list.map((s) => [s.name, s.keys]));
        const cut = env.filter((e) => ENVDIR_NAMES.has(e.name) && !arrivesWhole(e, contents));
        expect(cut.map((e) => e.name)).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it('include no PGP key: an armored key is mounted as a file and named by WALG_PGP_KEY_PATH', () => {
    const enc = { method: 'pgp', keySecret: { name: 'pgp', passphraseKey: 'pass' } };
    const s3 = { bucket: 'pg-backups', region: 'eu-west-1', credentialsSecret: { name: 'creds' } };
    const related = [
      userSecret('creds', { AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' }),
      userSecret('pgp', { key: ARMORED, pass: 'secret words' }),
    ];
    const base = { version: '16', storage: { size: '1Gi' } };
    const render = (spec: Record<string, unknown>) =>
      sync({ parent: parentFrom({ ...base, ...spec }), children: [], related }).children;
    const volume = (name: string) => ({
      name,
      secret: {
        secretName: 'pgp',
        items: [{ key: 'key', path: 'key.asc' }],
        defaultMode: 0o440,
        optional: true,
      },
    });
    const cases = [
      { spec: { backup: { destination: { s3 }, encryption: enc } }, p: '', dir: 'backup' },
      {
        spec: { restore: { source: { s3, path: 'old' }, target: { latest: true }, encryption: enc } },
        p: 'CLONE_',
        dir: 'restore',
      },
    ];
    for (const { spec, p, dir } of cases) {
      const children = render(spec);
      const env = spiloEnvOf(children);
      const byName = (n: string) => env.find((e) => e.name === n);
      expect(byName(`${p}WALG_PGP_KEY`)).toBeUndefined();
      expect(byName(`${p}WALG_PGP_KEY_PATH`)?.value).toBe(`/var/run/pgmeta/${dir}-pgp/key.asc`);
      expect(byName(`${p}WALG_PGP_KEY_PASSPHRASE`)?.valueFrom?.secretKeyRef).toMatchObject({ key: 'pass' });
      expect(volumesOf(children).filter((v) => v.name.endsWith('-pgp'))).toEqual([
        volume(`pgmeta-${dir}-pgp`),
      ]);
    }
  });
});
