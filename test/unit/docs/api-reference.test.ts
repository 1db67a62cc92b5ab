/**
 * docs/api/ is generated from crds/ (scripts/api-docs.ts): a CRD change without `npm run gen:docs` fails
 * here, so the reference a user reads is the schema the API server enforces.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { renderApiReference } from '../../../scripts/api-docs';

describe('docs/api (the API reference)', () => {
  const pages = renderApiReference('crds');

  it.each(pages.map((p) => [p.file, p.content] as const))(
    'docs/api/%s is up to date (npm run gen:docs)',
    (file, content) => {
      expect(readFileSync(`docs/api/${file}`, 'utf8')).toBe(content);
    },
  );

  it('holds no page that the CRDs do not generate', () => {
    expect(readdirSync('docs/api').sort()).toEqual(pages.map((p) => p.file).sort());
  });

  it('documents every spec field, with its default and its rules', () => {
    const pgc = pages.find((p) => p.file === 'postgresclusters.md')!.content;
    expect(pgc).toContain('| `spec.replicas` | integer (int32) | `1` |');
    expect(pgc).toContain('Refused unless: storage cannot shrink.');
    expect(pgc).toMatch(/\| `spec\.version` \(required\) \| string \|/);
    expect(pgc).toContain('## `kubectl get` columns');
  });
});
