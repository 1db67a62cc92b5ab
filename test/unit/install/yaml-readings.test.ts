/**
 * Every YAML text the project ships or documents means the same to kubectl (YAML 1.1, see
 * hooks/lib/kubectl-yaml.ts) as to a YAML 1.2 reader (pgmeta's tests, editors, most tools). A plain
 * `on`, `no` or `0755` reads differently: there, kubectl sends something other than what the text
 * seems to say (issue 20: every grant's `on:` key arrived as "true").
 */
import { describe, expect, it } from '@jest/globals';
import { parseAllDocuments } from 'yaml';
import { readKubectlYaml } from '../../../hooks/lib/kubectl-yaml.js';
import { documentedYaml, heredocs, markdownYamlBlocks } from '../../support/documented-yaml.js';

/** Paths where two JSON values differ, with both values, at most `limit` of them. */
export function differences(a: unknown, b: unknown, path = '', limit = 10): string[] {
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    if (Array.isArray(a) !== Array.isArray(b))
      return [`${path || '/'}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`];
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys
      .flatMap((k) =>
        differences(
          (a as Record<string, unknown>)[k],
          (b as Record<string, unknown>)[k],
          `${path}/${k}`,
          limit,
        ),
      )
      .slice(0, limit);
  }
  return Object.is(a, b) ? [] : [`${path || '/'}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`];
}

function yaml12(text: string): { documents: unknown[]; errors: string[] } {
  const docs = parseAllDocuments(text);
  return {
    documents: docs.map((d) => d.toJS() as unknown).filter((d) => d !== null && d !== undefined),
    errors: docs.flatMap((d) => d.errors.map((e) => e.message)),
  };
}

const sources = documentedYaml();

describe('YAML the project ships or documents', () => {
  it('covers the examples, CRDs, manifests, goldens, README and docs blocks and e2e heredocs', () => {
    const names = sources.map((s) => s.name);
    for (const expected of [
      'examples/database.yaml',
      'crds/postgresclusters.yaml',
      'composite-controllers/postgrescluster.yaml',
      'manifests/hooks/deployment.yaml',
      'test/golden/postgrescluster/fresh-create/request.yaml',
    ]) {
      expect(names).toContain(expected);
    }
    expect(names.filter((n) => n.startsWith('README.md:')).length).toBeGreaterThanOrEqual(1);
    expect(names.filter((n) => n.startsWith('docs/')).length).toBeGreaterThanOrEqual(5);
    expect(names.some((n) => n.startsWith('test/e2e/scenarios/10-create.sh:'))).toBe(true);
  });

  it.each(sources.map((s) => [s.name, s.text] as const))(
    '%s reads the same with YAML 1.1 (kubectl) and YAML 1.2',
    (_name, text) => {
      const v12 = yaml12(text);
      const v11 = readKubectlYaml(text);
      expect(v12.errors).toEqual([]);
      expect(v11.errors).toEqual([]);
      expect(differences(v11.documents, v12.documents)).toEqual([]);
    },
  );
});

describe('finding YAML in Markdown and shell', () => {
  it('takes ```yaml blocks, dedented, with their line', () => {
    const md = 'intro\n\n1. step\n\n   ```yaml\n   a: 1\n   b: [x]\n   ```\n\n```sh\necho\n```\n';
    expect(markdownYamlBlocks(md)).toEqual([{ line: 5, text: 'a: 1\nb: [x]\n' }]);
  });

  it('takes heredocs that hold Kubernetes objects, whatever their delimiter', () => {
    const sh = "kn apply -f - <<YAML\napiVersion: v1\nkind: Pod\nYAML\ncat <<'EOF'\nnot: yaml\nEOF\n";
    expect(heredocs(sh)).toEqual([{ line: 1, text: 'apiVersion: v1\nkind: Pod\n' }]);
  });
});

describe('differences', () => {
  it('names the path and both values', () => {
    expect(differences([{ grants: [{ true: 'database' }] }], [{ grants: [{ on: 'database' }] }])).toEqual([
      '/0/grants/0/on: undefined vs "database"',
      '/0/grants/0/true: "database" vs undefined',
    ]);
    expect(differences({ a: [1, 'x'] }, { a: [1, 'x'] })).toEqual([]);
  });
});
