import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { QUANTITY_FORMAT_RULES } from '../../../../hooks/postgrescluster/spec/formats.js';
import { SPEC_SCHEMA } from '../../../../hooks/postgrescluster/spec/schema.js';
import { MIRRORS, isFormatRule } from '../../../../hooks/postgrescluster/spec/validate.js';

const ROOT = join(__dirname, '..', '..', '..', '..');
const crd = parse(readFileSync(join(ROOT, 'crds', 'postgresclusters.yaml'), 'utf8'));
const version = crd.spec.versions[0];
const root = version.schema.openAPIV3Schema;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed YAML; the assertions check its shape
type Node = Record<string, any>;

/** Every schema node with its path, e.g. `spec.storage.size`, `spec.tolerations[].key`. */
function nodes(node: Node, path: string): [string, Node][] {
  const out: [string, Node][] = [[path, node]];
  for (const [key, child] of Object.entries<Node>(node['properties'] ?? {}))
    out.push(...nodes(child, `${path}.${key}`));
  if (node['items']) out.push(...nodes(node['items'], `${path}[]`));
  if (typeof node['additionalProperties'] === 'object')
    out.push(...nodes(node['additionalProperties'], `${path}{}`));
  return out;
}

const allNodes = nodes(root, '');
const rules: { path: string; rule: Node }[] = allNodes.flatMap(([path, node]) =>
  (node['x-kubernetes-validations'] ?? []).map((rule: Node) => ({ path, rule })),
);

describe('the PostgresCluster CRD', () => {
  it('has the names, scope and single served version of the API', () => {
    expect(crd.metadata.name).toBe('postgresclusters.pgmeta.io');
    expect(crd.spec).toMatchObject({
      group: 'pgmeta.io',
      scope: 'Namespaced',
      names: { kind: 'PostgresCluster', plural: 'postgresclusters', shortNames: ['pgc'] },
    });
    expect(crd.spec.versions.map((v: Node) => [v['name'], v['served'], v['storage']])).toEqual([
      ['v1alpha1', true, true],
    ]);
  });

  it('has the status and scale subresources Metacontroller and kubectl scale need', () => {
    expect(version.subresources).toEqual({
      status: {},
      scale: {
        specReplicasPath: '.spec.replicas',
        statusReplicasPath: '.status.replicas',
        labelSelectorPath: '.status.selector',
      },
    });
  });

  it('prints the running Version, Replicas, Ready, Primary, Phase, Reason, Last Backup, Archiving and Age', () => {
    const columns = version.additionalPrinterColumns.map((c: Node) => [c['name'], c['jsonPath']]);
    expect(columns).toEqual([
      ['Version', '.status.version'],
      ['Replicas', '.spec.replicas'],
      ['Ready', '.status.readyReplicas'],
      ['Primary', '.status.primary'],
      ['Phase', '.status.phase'],
      ['Reason', '.status.reason'],
      ['Last Backup', '.status.backup.lastBackupTime'],
      ['Archiving', '.status.backup.archiving.healthy'],
      ['Age', '.metadata.creationTimestamp'],
    ]);
  });

  it('describes every field, so that kubectl explain reads well', () => {
    const missing = allNodes
      .filter(([path]) => path.startsWith('.spec') || path.startsWith('.status'))
      .filter(([, node]) => typeof node['description'] !== 'string' || node['description'].length < 3)
      .map(([path]) => path);
    expect(missing).toEqual([]);
  });

  it('is structural: every node has a type, or is int-or-string with exactly integer and string', () => {
    const untyped = allNodes
      .filter(([path]) => path !== '')
      .filter(([, node]) => node['type'] === undefined)
      .filter(([, node]) => {
        const anyOf = JSON.stringify(node['anyOf']);
        return !(
          node['x-kubernetes-int-or-string'] === true && anyOf === '[{"type":"integer"},{"type":"string"}]'
        );
      })
      .map(([path]) => path);
    expect(untyped).toEqual([]);
  });

  it('keeps spec and status closed: no field is preserved without a schema', () => {
    const open = allNodes
      .filter(([, node]) => node['x-kubernetes-preserve-unknown-fields'])
      .map(([path]) => path);
    expect(open).toEqual([]);
  });

  it.each([
    ['.spec.version', { type: 'string', enum: ['13', '14', '15', '16', '17', '18'] }],
    ['.spec.replicas', { minimum: 1, maximum: 100, default: 1 }],
    ['.spec.storage.retentionPolicy.whenDeleted', { enum: ['Retain', 'Delete'], default: 'Retain' }],
    ['.spec.synchronous.mode', { enum: ['async', 'sync', 'strict'], default: 'async' }],
    ['.spec.synchronous.nodeCount', { minimum: 1, default: 1 }],
    ['.spec.bootstrap.database', { default: 'app' }],
    ['.spec.bootstrap.owner', { default: 'app' }],
    ['.spec.service.type', { enum: ['ClusterIP', 'NodePort', 'LoadBalancer'], default: 'ClusterIP' }],
    ['.spec.tls.enabled', { type: 'boolean', default: true }],
  ])('%s has the API of issue 3', (path, expected) => {
    expect(Object.fromEntries(allNodes)[path]).toMatchObject(expected);
  });

  it('requires version and storage.size', () => {
    const byPath = Object.fromEntries(allNodes);
    expect(byPath['.spec']?.['required']).toEqual(['version', 'storage']);
    expect(byPath['.spec.storage']?.['required']).toEqual(['size']);
  });

  it('accepts in status everything the status hook writes', () => {
    const status = root.properties.status.properties;
    expect(Object.keys(status).sort()).toEqual(
      [
        'conditions',
        'connectionInfo',
        'credentialRotation',
        'backup',
        'currentVersion',
        'imageUpdate',
        'reason',
        'version',
        'restoredFrom',
        'members',
        'observedGeneration',
        'pendingRestart',
        'phase',
        'tls',
        'pooler',
        'primary',
        'readyReplicas',
        'replicas',
        'rollout',
        'selector',
        'standby',
        'storage',
        'switchover',
        'restart',
        'drain',
        'nodes',
      ].sort(),
    );
    expect(Object.keys(status.members.items.properties).sort()).toEqual(
      ['lagBytes', 'name', 'pendingRestart', 'ready', 'role', 'state', 'timeline'].sort(),
    );
    expect(Object.keys(status.conditions.items.properties).sort()).toEqual(
      ['lastTransitionTime', 'message', 'observedGeneration', 'reason', 'status', 'type'].sort(),
    );
    expect(Object.keys(status.connectionInfo.properties).sort()).toEqual([
      'database',
      'readOnly',
      'readWrite',
      'secrets',
    ]);
  });
});

describe('CEL rules', () => {
  it('every rule has a TypeScript mirror (or is checked as format: quantity by the schema)', () => {
    const unmirrored = rules
      .map((r) => r.rule['rule'])
      .filter((rule) => MIRRORS[rule] === undefined && !isFormatRule(rule));
    expect(unmirrored).toEqual([]);
    expect(rules.length).toBeGreaterThanOrEqual(17);
  });

  it('has no stale mirror for a rule that is gone', () => {
    const used = new Set(rules.map((r) => r.rule['rule']));
    expect(Object.keys(MIRRORS).filter((rule) => !used.has(rule))).toEqual([]);
  });

  it('gives every rule a message, and a messageExpression only where its mirror builds the message', () => {
    for (const { rule } of rules) expect(typeof rule['message']).toBe('string');
    const withExpression = rules.filter((r) => r.rule['messageExpression']).map((r) => r.rule['rule']);
    expect(withExpression.sort()).toEqual(
      [
        'int(self) >= int(oldSelf)',
        '!isQuantity(self) || !isQuantity(oldSelf) || quantity(self).compareTo(quantity(oldSelf)) >= 0',
      ].sort(),
    );
  });

  it('names the cluster at the root: a DNS-1035 label of at most 40 characters', () => {
    const rootRules = (root['x-kubernetes-validations'] as Node[]).map((r) => [r['rule'], r['fieldPath']]);
    expect(rootRules).toEqual([
      ['size(self.metadata.name) <= 40', '.metadata.name'],
      ["self.metadata.name.matches('^[a-z]([-a-z0-9]*[a-z0-9])?$')", '.metadata.name'],
      ["!self.metadata.name.matches('-(ro|members|config|sync|failover|leader|pooler)$')", '.metadata.name'],
    ]);
  });

  it('turns the quantity rules into format: quantity in the generated schema, with the CRD message', () => {
    const quantityRules = rules.filter((r) => QUANTITY_FORMAT_RULES.includes(r.rule['rule']));
    expect(quantityRules.map((r) => r.path).sort()).toEqual(
      [
        '.spec.resources.limits{}',
        '.spec.resources.requests{}',
        '.spec.pgbouncer.resources.limits{}',
        '.spec.pgbouncer.resources.requests{}',
        '.spec.storage.size',
      ].sort(),
    );
    const generated = JSON.stringify(SPEC_SCHEMA);
    for (const { rule } of quantityRules) {
      expect(generated).toContain(
        `"format":"quantity","x-pgmeta-format-message":${JSON.stringify(rule['message'])}`,
      );
    }
  });
});

describe('generated files', () => {
  it('are up to date with the CRD (npx tsx scripts/gen-schema.ts --check)', () => {
    // Runs the generator in its own process: prettier 3 loads plugins with dynamic import, which jest's CJS sandbox cannot.
    const run = () =>
      execFileSync('npx', ['tsx', 'scripts/gen-schema.ts', '--check'], { cwd: ROOT, stdio: 'pipe' });
    expect(run).not.toThrow();
  }, 60_000);
});
