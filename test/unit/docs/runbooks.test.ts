/**
 * Every alert pgmeta ships links to its runbook: a `runbook_url` naming a documentation page of this
 * repository and a heading that exists on it, so an on-call engineer never follows a dead link.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { anchors } from '../../support/markdown';

interface Rule {
  alert?: string;
  annotations?: { runbook_url?: string };
}
const rule = parse(readFileSync('manifests/monitoring/prometheusrule.yaml', 'utf8')) as {
  spec: { groups: { rules: Rule[] }[] };
};
const alerts = rule.spec.groups.flatMap((g) => g.rules).filter((r) => r.alert !== undefined);

describe('alert runbooks', () => {
  it('finds the shipped alerts', () => {
    expect(alerts.length).toBeGreaterThanOrEqual(10);
  });

  it.each(alerts.map((a) => [a.alert!, a.annotations?.runbook_url] as const))(
    '%s links to a runbook section that exists',
    (_alert, url) => {
      expect(url).toMatch(/^docs\/[a-z0-9-]+\.md#[a-z0-9-]+$/);
      const [file, anchor] = url!.split('#') as [string, string];
      expect(existsSync(file)).toBe(true);
      expect([...anchors(readFileSync(file, 'utf8'))]).toContain(anchor);
    },
  );
});
