/**
 * What the cluster's own Patroni objects say about standby operation: whether the dynamic
 * configuration (the JSON `config` annotation of `<scope>-config`, Patroni v4.0.4
 * dcs/kubernetes.py `Kubernetes._cluster_from_nodes` reads it, `Kubernetes.set_config_value` writes it) still holds a `standby_cluster`.
 */
import type { KubeObject } from '../../lib/k8s.js';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The `standby_cluster` section Patroni holds, if any. */
export function dcsStandbySection(config: KubeObject | undefined): Json | undefined {
  const raw = config?.metadata.annotations?.['config'];
  if (raw === undefined) return undefined;
  try {
    const doc: unknown = JSON.parse(raw);
    const section = isObj(doc) ? doc['standby_cluster'] : undefined;
    return isObj(section) ? section : undefined;
  } catch {
    return undefined;
  }
}

/** Whether Patroni runs the cluster as a standby (its DCS holds a standby section). */
export function runsAsStandby(config: KubeObject | undefined): boolean {
  return dcsStandbySection(config) !== undefined;
}
