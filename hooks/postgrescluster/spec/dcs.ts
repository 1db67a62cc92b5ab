/**
 * Patroni's Kubernetes DCS (`spec.patroni.dcs`) and the platform profile (`spec.platform`): their
 * defaults, and how the default is decided once per cluster (docs/patroni-dcs.md).
 *
 * The default is `endpoints` on Kubernetes: Patroni v4.0.4 docs/kubernetes.rst calls it the
 * recommended mode, because the leader lock and the addresses the primary Service routes to change in
 * one write (patroni/dcs/kubernetes.py `Kubernetes._patch_or_create` puts the subsets into the same
 * Endpoints body as the annotations), and it is what Spilo renders unless `KUBERNETES_USE_CONFIGMAPS`
 * is set (configure_spilo.py `get_dcs_config`). On OpenShift the default is `configmaps`: ordinary
 * service accounts may not write Endpoints that point at pods there.
 *
 * A cluster keeps the DCS it was created with: the value is filled into the spec the hook stores as the
 * last valid spec on the StatefulSet, and a stored spec without it was written before the field
 * existed, when Endpoints was the only mode. So a later change of the default never moves a cluster.
 */
import { setOwn } from '../../lib/canonical-json.js';

export type PatroniDcs = 'endpoints' | 'configmaps';
export type Platform = 'kubernetes' | 'openshift';

/** What a stored spec without `patroni.dcs` ran with: the only mode before the field existed. */
export const LEGACY_DCS: PatroniDcs = 'endpoints';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isDcs = (v: unknown): v is PatroniDcs => v === 'endpoints' || v === 'configmaps';

/** The DCS a new cluster gets when its spec names none. */
export function defaultDcs(platform: unknown): PatroniDcs {
  return platform === 'openshift' ? 'configmaps' : 'endpoints';
}

/** The DCS a stored (last valid) spec ran with. */
export function recordedDcs(stored: unknown): PatroniDcs {
  const patroni = isObj(stored) ? stored['patroni'] : undefined;
  const dcs = isObj(patroni) ? patroni['dcs'] : undefined;
  return isDcs(dcs) ? dcs : LEGACY_DCS;
}

/**
 * Fills `patroni.dcs` into a spec copy (CRD defaults applied) that names none: the previous spec's
 * DCS when there is one, the default of the platform for a new cluster. A spec whose `patroni` is not
 * an object is left to the schema's error.
 */
export function fillDcs(spec: unknown, previous: unknown): void {
  if (!isObj(spec)) return;
  const patroni = spec['patroni'];
  if (patroni !== undefined && !isObj(patroni)) return;
  if (patroni?.['dcs'] !== undefined) return;
  const dcs = previous === undefined ? defaultDcs(spec['platform']) : recordedDcs(previous);
  setOwn(spec, 'patroni', { ...patroni, dcs });
}
