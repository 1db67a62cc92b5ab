/**
 * The label every member pod (and every child) of a cluster carries, with the cluster name as value.
 * It is Patroni's scope label and the key of the default anti-affinity. It lives in this tiny module
 * so that spec defaults and names.ts (which re-exports it) share it without an import cycle.
 */
export const CLUSTER_LABEL = 'pgmeta.io/cluster';
