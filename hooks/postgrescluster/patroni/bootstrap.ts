/**
 * How far Patroni's bootstrap went, as its Kubernetes DCS records it. Kept apart (no imports) so the
 * observation, the status and the backup modules share one reading without an import cycle.
 */
import type { KubeObject } from '../../lib/k8s.js';

/**
 * Whether Patroni finished bootstrapping the cluster: `initialize` on `<scope>-config` holds the system
 * identifier. The member that wins the bootstrap race writes the key empty when it starts (patroni/ha.py
 * `Ha.bootstrap`, `dcs.initialize(create_new=True)`), the identifier only once bootstrap succeeded
 * (`Ha.post_bootstrap`), and removes it when bootstrap fails (`Ha.cancel_initialization`); a restore
 * from a large archive keeps it empty for hours.
 */
export function bootstrapped(configEndpoints: KubeObject | undefined): boolean {
  const sysid = configEndpoints?.metadata.annotations?.['initialize'];
  return sysid !== undefined && sysid !== '';
}
