/**
 * The Metacontroller flags in manifests/metacontroller/kustomization.yaml against the sizing in README
 * ("Performance and sizing"): after a restart Metacontroller re-applies every child of every cluster
 * (its server-side-apply cache is in memory), and that must fit in 5 minutes for 1,000 clusters of
 * the benchmark's full-featured kind. Fails when children grow past what the rate limit allows.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { responseOf } from '../../scripts/bench/inprocess';
import { buildPayloads } from '../../scripts/bench/payloads';

const FLEET = 1_000;
const REAPPLY_BUDGET_S = 300;

function metacontrollerFlags(): Map<string, string> {
  const k = parse(
    readFileSync(join(__dirname, '..', '..', 'manifests', 'metacontroller', 'kustomization.yaml'), 'utf8'),
  ) as {
    patches: { patch?: string; path?: string }[];
  };
  // Inline JSON 6902 patches carry the flags; patches from files (the RBAC one) do not.
  const ops = k.patches.flatMap((p) =>
    p.patch === undefined ? [] : (parse(p.patch) as { value?: unknown }[]),
  );
  const flags = ops.map((o) => String(o.value)).filter((v) => v.startsWith('--'));
  return new Map(flags.map((f) => f.slice(2).split('=') as [string, string]));
}

describe('Metacontroller sizing for 1,000 clusters', () => {
  const flags = metacontrollerFlags();
  const children = Math.max(
    ...buildPayloads().map((p) => (JSON.parse(responseOf(p)) as { children: unknown[] }).children.length),
  );

  it('re-applies every child of 1,000 full-featured clusters within 5 minutes after a restart', () => {
    const qps = Number(flags.get('client-go-qps'));
    expect((FLEET * children) / qps).toBeLessThanOrEqual(REAPPLY_BUDGET_S);
  });

  it('allows a burst of at least one second of its rate', () => {
    expect(Number(flags.get('client-go-burst'))).toBeGreaterThanOrEqual(Number(flags.get('client-go-qps')));
  });

  it('runs enough workers for 1,000 busy clusters (0.43 syncs/s each) at 10 ms per sync', () => {
    expect(Number(flags.get('workers'))).toBeGreaterThanOrEqual(Math.ceil(FLEET * 0.43 * 0.01));
  });
});
