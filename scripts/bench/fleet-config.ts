/**
 * The settings the fleet benchmark runs with, read from the install itself: Metacontroller's flags
 * (manifests/metacontroller/kustomization.yaml), the hook Deployment's replicas (manifests/hooks/deployment.yaml)
 * and the PostgresCluster controller's resync (composite-controllers/postgrescluster.yaml).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadCompositeController } from '../../test/lifecycle/metacontroller/model';
import { ROOT } from './workdir';

/** Metacontroller's command-line flags set by the install's inline JSON 6902 patches. */
export function metacontrollerFlags(): Map<string, string> {
  const k = parse(readFileSync(join(ROOT, 'manifests', 'metacontroller', 'kustomization.yaml'), 'utf8')) as {
    patches: { patch?: string; path?: string }[];
  };
  // Inline JSON 6902 patches carry the flags; patches from files (the RBAC one) do not.
  const ops = k.patches.flatMap((p) =>
    p.patch === undefined ? [] : (parse(p.patch) as { value?: unknown }[]),
  );
  const flags = ops.map((o) => String(o.value)).filter((v) => v.startsWith('--'));
  return new Map(flags.map((f) => f.slice(2).split('=') as [string, string]));
}

export function hookReplicas(): number {
  const d = parse(readFileSync(join(ROOT, 'manifests', 'hooks', 'deployment.yaml'), 'utf8')) as {
    spec: { replicas: number };
  };
  return d.spec.replicas;
}

export interface InstalledSettings {
  workers: number;
  qps: number;
  burst: number;
  hookReplicas: number;
  resyncPeriodSeconds: number;
}

/** Defaults where the install sets nothing: Metacontroller v4.17.2 pkg/cmd/metacontroller/main.go. */
export function installedSettings(): InstalledSettings {
  const flags = metacontrollerFlags();
  const num = (name: string, dflt: number) => Number(flags.get(name) ?? dflt);
  return {
    workers: num('workers', 5),
    qps: num('client-go-qps', 5),
    burst: num('client-go-burst', 10),
    hookReplicas: hookReplicas(),
    resyncPeriodSeconds: loadCompositeController('postgrescluster').spec.resyncPeriodSeconds ?? 0,
  };
}
