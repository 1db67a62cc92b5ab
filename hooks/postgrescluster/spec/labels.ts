export const CLUSTER_LABEL = 'pgmeta.io/cluster';
