/**
 * Storage growth. A StatefulSet's `volumeClaimTemplates` cannot change (immutable.ts keeps the
 * observed one), so a larger `storage.size` is applied to the claims themselves by a Job
 * (`<cluster>-resize-<hash of size and claims>`) whose account may only read and patch those claims.
 * Before that, the StorageClass must allow expansion: when the observed class says it does not, the
 * growth is refused in status and nothing is patched. A shrink never reaches here (the CRD and the
 * hook refuse it as an invalid spec).
 */
import type { KubeObject } from '../../lib/k8s.js';
import { compareQuantities, parseQuantity } from '../../lib/quantity.js';
import { DATA_VOLUME } from '../children/pod-template.js';
import { clusterNames } from '../names.js';
import { envValue } from '../spilo/env.js';
import { buildOperationJob, jobState, operationJobs, shortHash } from './job.js';
import { buildOperationRbac, namedRule } from './rbac.js';
import { RESIZE_SCRIPT } from './resize-script.js';
import type { Day2Context, Proposal } from './types.js';

/** The annotation that marks a cluster's default StorageClass. */
export const DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';

/** Patching a handful of claims takes seconds; the rest is the storage driver's work. */
export const RESIZE_DEADLINE_SECONDS = 600;

/** One member's data volume as observed. */
export interface VolumeState {
  name: string;
  requested?: string;
  capacity?: string;
  storageClassName?: string;
}

interface ClaimShape {
  spec?: { resources?: { requests?: { storage?: string } }; storageClassName?: string };
  status?: { capacity?: { storage?: string } };
}

/** The cluster's data volume claims (`pgdata-<statefulset>-<ordinal>`), sorted by name. */
export function volumes(ctx: Day2Context): VolumeState[] {
  const prefix = `${DATA_VOLUME}-${clusterNames(ctx.cluster).statefulSet}-`;
  return ctx.observed.pvcs
    .filter((p) => p.metadata.name.startsWith(prefix) && /^\d+$/.test(p.metadata.name.slice(prefix.length)))
    .map((p) => {
      const c = p as KubeObject & ClaimShape;
      const requested = c.spec?.resources?.requests?.storage;
      const capacity = c.status?.capacity?.storage;
      const cls = c.spec?.storageClassName;
      return {
        name: p.metadata.name,
        ...(requested === undefined ? {} : { requested }),
        ...(capacity === undefined ? {} : { capacity }),
        ...(cls === undefined ? {} : { storageClassName: cls }),
      };
    })
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** Whether `value` is a quantity smaller than `size`. */
export function smallerThan(value: string | undefined, size: string): boolean {
  const a = value === undefined ? undefined : parseQuantity(value);
  const b = parseQuantity(size);
  return a !== undefined && b !== undefined && compareQuantities(a, b) < 0;
}

/**
 * The StorageClass the volumes use, when it is observed: the spec's, else the one the claims name,
 * else the class annotated as the cluster's default.
 */
export function storageClassOf(ctx: Day2Context, vols: readonly VolumeState[]): KubeObject | undefined {
  const name = ctx.cluster.storage.storageClass ?? vols.find((v) => v.storageClassName)?.storageClassName;
  const classes = ctx.facts.storageClasses;
  if (name !== undefined) return classes.find((c) => c.metadata.name === name);
  return classes.find((c) => c.metadata.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true');
}

/** Why the volumes cannot grow, when the observed StorageClass says so. */
export function expansionRefusal(ctx: Day2Context, vols: readonly VolumeState[]): string | undefined {
  const cls = storageClassOf(ctx, vols);
  if (!cls || cls['allowVolumeExpansion'] === true) return undefined;
  return `StorageClass ${cls.metadata.name} does not allow volume expansion (allowVolumeExpansion is not true)`;
}

/** On the Job: the size it sets and the claims it patches. */
export const RESIZE_ANNOTATIONS = {
  size: 'pgmeta.io/resize-size',
  claims: 'pgmeta.io/resize-claims',
} as const;

function resizeJob(ctx: Day2Context, o: { size: string; claims: readonly string[] }): KubeObject {
  return buildOperationJob(ctx.cluster, {
    operation: 'resize',
    hash: shortHash({ size: o.size, claims: o.claims }),
    script: RESIZE_SCRIPT,
    env: [
      envValue('CLAIMS', o.claims.join(' ')),
      envValue('NAMESPACE', ctx.cluster.namespace),
      envValue('SIZE', o.size),
    ],
    annotations: { [RESIZE_ANNOTATIONS.size]: o.size, [RESIZE_ANNOTATIONS.claims]: o.claims.join(' ') },
    deadlineSeconds: RESIZE_DEADLINE_SECONDS,
    patroniClient: false,
    kubernetesApi: true,
  });
}

function recorded(job: KubeObject): { size: string; claims: string[] } | undefined {
  const size = job.metadata.annotations?.[RESIZE_ANNOTATIONS.size];
  const claims = job.metadata.annotations?.[RESIZE_ANNOTATIONS.claims];
  if (size === undefined || claims === undefined) return undefined;
  return { size, claims: claims.split(' ').filter((c) => c !== '') };
}

function proposal(ctx: Day2Context, o: { size: string; claims: string[] }, existing?: KubeObject): Proposal {
  const running = !existing || jobState(existing) === 'active';
  const rule = namedRule({
    group: '',
    resource: 'persistentvolumeclaims',
    verbs: ['get', 'patch'],
    names: o.claims,
  });
  return {
    operation: 'resize',
    children: [resizeJob(ctx, o), ...(running ? buildOperationRbac(ctx.cluster, 'resize', [rule]) : [])],
    ...(existing ? { existing } : {}),
    disruptive: false,
  };
}

/**
 * The resize Job while claims request less than the spec's size (and the class allows growth). A Job
 * is named after the claims it patches when it is made, and kept from its own record while it runs, or
 * while it covers every claim still short (a failed one stays, for its status, until deleted); a claim
 * it did not cover (a member added since) gets a new Job.
 */
export function planResize(ctx: Day2Context): Proposal | undefined {
  const vols = volumes(ctx);
  const size = ctx.cluster.storage.size;
  const short = vols.filter((v) => smallerThan(v.requested, size)).map((v) => v.name);
  const jobs = operationJobs(ctx.observed.jobs, 'resize');
  const active = jobs.find((j) => jobState(j) === 'active');
  const activeRecord = active && recorded(active);
  if (active && activeRecord) return proposal(ctx, activeRecord, active);
  if (short.length === 0 || expansionRefusal(ctx, vols) !== undefined) return undefined;
  for (const job of jobs) {
    const r = recorded(job);
    if (r?.size === size && short.every((c) => r.claims.includes(c))) return proposal(ctx, r, job);
  }
  return proposal(ctx, { size, claims: short });
}
