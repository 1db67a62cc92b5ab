/**
 * The archive paths of the Spilo backup contract (docs/contract.md, WAL-G, backups and restore) for
 * arbitrary backup and restore specs: the layout `<bucket>/<path or namespace/name>/<uid>/wal/<major>`;
 * a cluster's live archive and the archive it was restored from are never the same (or nested), and a
 * cluster created again (a new UID) never shares its predecessor's archive. Then the hook converges with
 * such specs, their Secrets present or not.
 */
import { describe, expect, it, jest } from '@jest/globals';
import fc from 'fast-check';
import type { KubeObject } from '../../../hooks/lib/k8s.js';
import { archivesOverlap, resolveBackup } from '../../../hooks/postgrescluster/backup/resolve.js';
import { secretUses } from '../../../hooks/postgrescluster/backup/secrets.js';
import { applied } from '../../support/apiserver.js';
import { userSecret } from '../../support/backup-world.js';
import { parentFrom, sync } from '../../support/cluster-world.js';
import {
  backup,
  check,
  cluster,
  clusterName,
  path,
  resolved,
  restore,
  uid,
  withBoth,
} from './backup-contract-arbitraries.js';

/** Hundreds of generated specs through the whole spec check: see backup-contract.test.ts. */
jest.setTimeout(60_000);

describe('archive paths', () => {
  it('are <store>://<bucket>/<path or namespace/name>/<uid>/wal/<major>', () => {
    fc.assert(
      fc.property(cluster(fc.record({ backup })), (c) => {
        const b = resolved(c).backup;
        const spec = c.spec['backup'] as {
          path?: string;
          destination: Record<string, { bucket?: string; container?: string }>;
        };
        const [kind, dest] = Object.entries(spec.destination)[0] ?? [];
        const scheme = { s3: 's3', gcs: 'gs', azure: 'azure' }[kind ?? ''];
        const folder = spec.path ?? `${c.namespace}/${c.name}`;
        expect(b?.path).toBe(`${folder}/${c.uid}`);
        expect(b?.prefix).toBe(`${scheme}://${dest?.bucket ?? dest?.container}/${folder}/${c.uid}/wal/16`);
      }),
      { numRuns: 200 },
    );
  });

  it('of a cluster created again under the same name (a new UID) never meet the old one', () => {
    fc.assert(
      fc.property(cluster(fc.record({ backup })), uid, (c, other) => {
        fc.pre(other !== c.uid);
        const before = resolved(c).backup;
        const after = resolved({ ...c, uid: other }).backup;
        expect(before && after && archivesOverlap(before, after)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('of a restored cluster never equal or nest in the source it restores from, however the source path is chosen', () => {
    // Half the sources aim straight at the cluster's own archive path: those specs must be refused.
    const aimed = fc
      .tuple(cluster(fc.record({ backup, restore: restore(path) })), fc.boolean())
      .map(([c, aim]) => {
        if (!aim) return c;
        const b = c.spec['backup'] as { path?: string; destination: object };
        const r = c.spec['restore'] as { source: Record<string, unknown> };
        const ownPath = `${b.path ?? `${c.namespace}/${c.name}`}/${c.uid}`;
        const { cluster: _c, path: _p, s3: _s, gcs: _g, azure: _a, ...rest } = r.source;
        return {
          ...c,
          spec: { ...c.spec, restore: { ...r, source: { ...rest, ...b.destination, path: ownPath } } },
        };
      });
    let refused = 0;
    fc.assert(
      fc.property(aimed, (c) => {
        const r = check(c);
        if (!r.ok) {
          refused++;
          expect(r.errors.map((e) => e.path)).toEqual(['spec.backup.path']);
          return;
        }
        const { backup: live, restore: source } = r.resolved;
        if (!live || !source) throw new Error('generated spec lost backup or restore');
        expect(live.prefix).not.toBe(source.prefix);
        expect(archivesOverlap(live, source)).toBe(false);
      }),
      { numRuns: 300, seed: 11 },
    );
    expect(refused).toBeGreaterThan(50);
  });

  it('of a restore by cluster name and UID are exactly what that cluster archived (default path)', () => {
    fc.assert(
      fc.property(
        cluster(fc.record({ backup: backup.map((b) => ({ ...b, path: undefined })) })),
        clusterName,
        uid,
        (source, copy, copyUid) => {
          fc.pre(copy !== source.name);
          const dest = (source.spec['backup'] as { destination: object }).destination;
          const written = resolveBackup(
            { name: source.name, namespace: source.namespace, uid: source.uid },
            { destination: dest },
            '16',
          );
          const restored = resolved({
            name: copy,
            namespace: source.namespace,
            uid: copyUid,
            spec: {
              version: '16',
              storage: { size: '1Gi' },
              restore: {
                source: { ...dest, cluster: { name: source.name, uid: source.uid } },
                target: { latest: true },
              },
            },
          }).restore;
          expect(restored?.prefix).toBe(written.prefix);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('the hook converges with backups and restores, Secrets present or not', () => {
  /** The Secrets a spec names, each present with every key, or left out. */
  function secretsFor(spec: Record<string, unknown>, keep: (name: string) => boolean): KubeObject[] {
    const r = check({ name: 'orders', namespace: 'shop', uid: 'u', spec });
    if (!r.ok) throw new Error('invalid generated spec');
    const uses = secretUses(r.resolved);
    const names = [...new Set(uses.map((u) => u.ref.name))].filter(keep);
    return names.map((n) =>
      userSecret(
        n,
        Object.fromEntries(uses.filter((u) => u.ref.name === n).map((u) => [u.ref.key, 'value'])),
      ),
    );
  }

  it('feeding the desired children back as observed changes nothing (fixpoint)', () => {
    fc.assert(
      fc.property(withBoth, fc.func(fc.boolean()), (c, keep) => {
        const parent = parentFrom(c.spec);
        const related = secretsFor(c.spec, keep);
        const first = sync({ parent, children: [], related }).children;
        const again = sync({ parent, children: first.map((o) => applied(o, parent)), related }).children;
        expect(again).toEqual(first);
      }),
      { numRuns: 60 },
    );
  });
});
