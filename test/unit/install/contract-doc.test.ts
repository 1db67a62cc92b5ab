/**
 * docs/contract.md is the table of everything pgmeta hands the Spilo image: every environment
 * variable and every mounted file of the database container, with what Spilo, Patroni or WAL-G does
 * with it and the test of pgmeta's side. This keeps the table whole: every variable name and mount
 * path of the Spilo container in any golden response (the whole range of rendered clusters: stores,
 * encryption, restores, TLS, poolers, metrics) must be named in it. A `CLONE_X` variable counts as
 * named when `X` is, as the table documents the clone envdir as "`CLONE_` + every store and
 * encryption variable above".
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const ROOT = join(__dirname, '..', '..', '..');
const CONTRACT = readFileSync(join(ROOT, 'docs', 'contract.md'), 'utf8');

interface Container {
  name: string;
  env?: { name: string }[];
  volumeMounts?: { mountPath: string }[];
}

function responses(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return responses(path);
    return entry === 'response.yaml' ? [path] : [];
  });
}

/** The database container of every StatefulSet the golden responses render. */
function spiloContainers(): Container[] {
  return responses(join(ROOT, 'test', 'golden')).flatMap((file) => {
    const body = parse(readFileSync(file, 'utf8')) as { children?: Record<string, unknown>[] } | null;
    return (body?.children ?? [])
      .filter((c) => c['kind'] === 'StatefulSet')
      .flatMap((sts) => {
        const spec = sts['spec'] as { template: { spec: { containers: Container[] } } };
        return spec.template.spec.containers.filter((c) => c.name === 'postgres');
      });
  });
}

const named = (word: string): boolean => CONTRACT.includes(`\`${word}\``) || CONTRACT.includes(word);

describe('docs/contract.md', () => {
  const containers = spiloContainers();

  it('reads the database container of many rendered clusters', () => {
    expect(containers.length).toBeGreaterThan(20);
  });

  it('names every environment variable pgmeta gives the Spilo container', () => {
    const names = new Set(containers.flatMap((c) => (c.env ?? []).map((e) => e.name)));
    const missing = [...names]
      // A clone's and a standby's archive variables are the archive table's with a prefix
      // (the CLONE_ and STANDBY_ rows say so).
      .filter(
        (n) => !named(n) && !['CLONE_', 'STANDBY_'].some((p) => n.startsWith(p) && named(n.slice(p.length))),
      )
      .sort();
    expect(missing).toEqual([]);
  });

  it('names every path mounted into the Spilo container', () => {
    const paths = new Set(containers.flatMap((c) => (c.volumeMounts ?? []).map((m) => m.mountPath)));
    const missing = [...paths].filter((p) => !named(p)).sort();
    expect(missing).toEqual([]);
  });
});
