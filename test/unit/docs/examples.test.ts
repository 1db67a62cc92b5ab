/**
 * Every whole pgmeta object shown in README.md or docs/ (a YAML block with `apiVersion: pgmeta.io/...`
 * and a kind) is checked by the same validation the hooks run, read the way kubectl reads YAML: an example
 * a user copies is an example the API and the hook accept. Fragments (a `spec:` excerpt) are not objects
 * and are not checked here; examples/ files are checked by the goldens and the CLI tests.
 */
import { readKubectlYaml } from '../../../hooks/lib/kubectl-yaml';
import type { KubeObject } from '../../../hooks/lib/k8s';
import { checkBackupObject } from '../../../hooks/postgresbackup/spec';
import { checkSpec as checkCluster } from '../../../hooks/postgrescluster/spec/index';
import { checkSpec as checkDatabase } from '../../../hooks/postgresdatabase/spec/index';
import { codeBlocks, markdownFiles, read } from '../../support/markdown';

interface Found {
  where: string;
  object: KubeObject;
}

function withIdentity(o: KubeObject): KubeObject {
  return {
    ...o,
    metadata: {
      namespace: 'default',
      uid: '00000000-0000-4000-8000-000000000000',
      generation: 1,
      ...o.metadata,
    },
  };
}

/** The errors the hooks would report for `o`, as `path: message` lines. */
function errorsOf(o: KubeObject): string[] {
  const id = withIdentity(o);
  const result =
    o.kind === 'PostgresCluster'
      ? checkCluster(id)
      : o.kind === 'PostgresDatabase'
        ? checkDatabase(id)
        : checkBackupObject(id);
  return result.ok ? [] : result.errors.map((e) => `${e.path}: ${e.message}`);
}

function isPgmetaObject(d: unknown): d is KubeObject {
  const apiVersion =
    typeof d === 'object' && d !== null ? (d as { apiVersion?: unknown }).apiVersion : undefined;
  return typeof apiVersion === 'string' && apiVersion.startsWith('pgmeta.io/');
}

function pgmetaObjects(): { found: Found[]; unreadable: string[] } {
  const found: Found[] = [];
  const unreadable: string[] = [];
  for (const file of markdownFiles()) {
    for (const block of codeBlocks(read(file), 'ya?ml')) {
      const where = `${file}:${block.line}`;
      const { documents, errors } = readKubectlYaml(block.text);
      if (/^apiVersion:\s*pgmeta\.io\//m.test(block.text) && errors.length > 0)
        unreadable.push(`${where}: ${errors.join('; ')}`);
      for (const d of documents) {
        if (isPgmetaObject(d)) {
          found.push({ where, object: d });
        }
      }
    }
  }
  return { found, unreadable };
}

describe('pgmeta objects shown in the documentation', () => {
  const { found, unreadable } = pgmetaObjects();

  it('are read as kubectl reads them', () => {
    expect(unreadable).toEqual([]);
  });

  it('include the README examples', () => {
    expect(found.filter((f) => f.where.startsWith('README.md')).length).toBeGreaterThan(0);
  });

  it.each(found.map((f) => [`${f.where} ${f.object.kind}/${f.object.metadata.name}`, f.object] as const))(
    '%s is valid',
    (_where, object) => {
      expect(['PostgresCluster', 'PostgresDatabase', 'PostgresBackup']).toContain(object.kind);
      expect(object.apiVersion).toBe('pgmeta.io/v1alpha1');
      expect(errorsOf(object)).toEqual([]);
    },
  );

  it('would notice an invalid one', () => {
    const bad = {
      apiVersion: 'pgmeta.io/v1alpha1',
      kind: 'PostgresCluster',
      metadata: { name: 'x' },
      spec: { version: '9' },
    };
    expect(errorsOf(bad as KubeObject).join('\n')).toMatch(/spec\.version/);
  });
});
