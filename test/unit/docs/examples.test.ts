/**
 * Every whole pgmeta object shown in README.md or docs/ (a YAML block with `apiVersion: pgmeta.io/...`
 * and a kind), read the way kubectl reads YAML, is checked as the admission webhook checks it (the sync
 * hooks' own validation): an example a user copies is one the API and the hook accept. Fragments (a `spec:` excerpt) are not objects
 * and are not checked here; examples/ files are checked by the goldens and the CLI tests.
 */
import { readdirSync } from 'node:fs';
import { readKubectlYaml } from '../../../hooks/lib/kubectl-yaml';
import type { KubeObject } from '../../../hooks/lib/k8s';
import { review } from '../../../hooks/admission/review';
import { codeBlocks, markdownFiles, read } from '../../support/markdown';

interface Found {
  where: string;
  object: KubeObject;
}

/** What `kubectl apply` of `o` would hear from the admission webhook (the sync hooks' own checks). */
function errorsOf(o: KubeObject): string[] {
  const { response } = review({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: { uid: 'docs', operation: 'CREATE', object: o },
  });
  return response.allowed ? [] : [response.status?.message ?? 'refused'];
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
      expect(['PostgresCluster', 'PostgresDatabase', 'PostgresBackup', 'PostgresRestoreDrill']).toContain(
        object.kind,
      );
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

describe('examples/', () => {
  const files = readdirSync('examples')
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  const objects = files.flatMap((f) =>
    (readKubectlYaml(read(`examples/${f}`)).documents as KubeObject[]).map((o) => ({ file: f, object: o })),
  );

  it('hold a cluster, a database and a backup, each object named once per kind', () => {
    const kinds = new Set(objects.map((o) => o.object.kind));
    expect([...kinds].sort()).toEqual(['PostgresBackup', 'PostgresCluster', 'PostgresDatabase']);
    const ids = objects.map((o) => `${o.object.kind}/${o.object.metadata.name}`);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  it.each(objects.map((o) => [o.file, o.object] as const))(
    '%s is accepted as kubectl apply would send it',
    (_f, o) => {
      expect(errorsOf(o)).toEqual([]);
    },
  );
});
