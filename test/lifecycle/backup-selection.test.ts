/**
 * Which PostgresBackups a cluster's sync request carries (hooks/postgrescluster/backup/customize.ts):
 * only its own, selected by label, however many the namespace holds. Selected as Metacontroller
 * selects related objects and routes their events (the emulator's `relatedRuleMatches`,
 * metacontroller/triggers.ts, after customize/manager.go `GetRelatedObjects`, `findRelatedParents`).
 */
import type { KubeObject } from '../../hooks/lib/k8s';
import { customizeCluster } from '../../hooks/postgrescluster/customize';
import { fullSpec } from '../../scripts/bench/payloads';
import { postgresBackup } from '../support/backup-world';
import { CTX } from '../support/cluster-world';
import { relatedRuleMatches } from './metacontroller/triggers';

const NS = 'shop';
const CLUSTERS = 20;

const cluster = (i: number): KubeObject => ({
  apiVersion: 'pgmeta.io/v1alpha1',
  kind: 'PostgresCluster',
  metadata: { name: `c${i}`, namespace: NS, uid: `uid-${i}`, generation: 1 },
  spec: fullSpec(3),
});

/** `perCluster` succeeded backups of each cluster, in one namespace. */
function backups(perCluster: number): KubeObject[] {
  return Array.from({ length: CLUSTERS * perCluster }, (_, k) =>
    postgresBackup(`b${k}`, `c${k % CLUSTERS}`, {
      namespace: NS,
      status: { phase: 'Succeeded', backupName: `base_${k}`, completedAt: '2026-11-21T09:00:00Z' },
    }),
  );
}

/** The PostgresBackups Metacontroller puts in a sync request of `parent`, by its customize rules. */
function requestBackups(parent: KubeObject, all: readonly KubeObject[]): KubeObject[] {
  const rules = customizeCluster({ controller: {}, parent } as never, CTX).relatedResources;
  return all.filter((b) => rules.some((r) => relatedRuleMatches(r as never, b)));
}

describe('PostgresBackups in a cluster sync request', () => {
  it('20 clusters and 2,000 PostgresBackups in one namespace: each request carries its own 100', () => {
    const all = backups(100);
    const sizes = Array.from({ length: CLUSTERS }, (_, i) => {
      const own = requestBackups(cluster(i), all);
      expect(own).toHaveLength(100);
      expect(own.every((b) => b.metadata.labels?.['pgmeta.io/cluster'] === `c${i}`)).toBe(true);
      return JSON.stringify(own).length;
    });
    // Ten times the namespace's backups of other clusters: the same request.
    const more = [
      ...all,
      ...backups(1000).map((b) => ({
        ...b,
        metadata: { ...b.metadata, labels: { 'pgmeta.io/cluster': 'other' } },
      })),
    ];
    expect(JSON.stringify(requestBackups(cluster(3), more)).length).toBe(sizes[3]);
    expect(Math.max(...sizes)).toBeLessThan(100 * 1024);
  });

  it("a backup's status change wakes only its own cluster", () => {
    const [b] = backups(1);
    const woken = Array.from({ length: CLUSTERS }, (_, i) => cluster(i)).filter(
      (c) => requestBackups(c, [b!]).length > 0,
    );
    expect(woken.map((c) => c.metadata.name)).toEqual(['c0']);
  });
});
