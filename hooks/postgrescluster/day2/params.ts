/**
 * Patroni's dynamic configuration after bootstrap: DCS-only parameters (`max_connections`,
 * `wal_level`, ...) and the DCS settings pgmeta renders (synchronous mode, timing, slots).
 *
 * Spilo hands `bootstrap.dcs` of SPILO_CONFIGURATION to Patroni only when the cluster is first
 * initialised; afterwards Patroni keeps that document in the DCS and ignores local values for it, so
 * a spec change reaches PostgreSQL only through Patroni's `PATCH /config`, followed by a restart of
 * every member that reports `pending_restart`. The Job `<cluster>-params-<hash of the DCS document>`
 * does both; it is made while the observed DCS differs from what the spec renders, and kept (never
 * made twice) while its hash is the current one. Parameters removed from the spec are sent as `null`,
 * which deletes them from the DCS.
 * @see ../patroni/restart-plan.ts
 */
import type { KubeObject } from '../../lib/k8s.js';
import { PORTS, clusterNames } from '../names.js';
import { dcsParametersPatch } from '../patroni/restart-plan.js';
import type { ResolvedCluster } from '../spec/resolved.js';
import { DCS_TIMING, sortedJson, spiloConfiguration } from '../spilo/configuration.js';
import { envValue } from '../spilo/env.js';
import { splitParameters } from '../spilo/parameters.js';
import { standbyPatch } from '../standby/dcs.js';
import { buildOperationJob, operationJobName, operationJobs, shortHash } from './job.js';
import { PARAMS_SCRIPT } from './params-script.js';
import type { Day2Context, Proposal } from './types.js';

/** On the Job: the DCS-only parameters it sets, and the exact `PATCH /config` body it sends. */
export const PARAMS_ANNOTATIONS = {
  parameters: 'pgmeta.io/dcs-parameters',
  patch: 'pgmeta.io/dcs-patch',
} as const;

/** Restarting every member of a large cluster one by one, each after a checkpoint, takes a while. */
export const PARAMS_DEADLINE_SECONDS = 10_800;

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The DCS document the cluster renders (`bootstrap.dcs` of SPILO_CONFIGURATION). */
export function dcsDocument(cluster: ResolvedCluster): Json {
  return spiloConfiguration(cluster).bootstrap.dcs as unknown as Json;
}

/** The DCS-only parameters of a raw spec, values as PostgreSQL reads them (as resolveSpec does). */
export function dcsParametersOf(spec: unknown): Record<string, string> {
  const params = isObj(spec) ? spec['postgresqlParams'] : undefined;
  if (!isObj(params)) return {};
  const text = Object.entries(params).flatMap(([k, v]) =>
    typeof v === 'string' || typeof v === 'number' ? [[k, String(v)] as const] : [],
  );
  return splitParameters(Object.fromEntries(text)).dcs;
}

/** Leaves of a JSON document by dotted path, as text (Patroni may store `200` where we sent "200"). */
export function leaves(doc: unknown, prefix = ''): Record<string, string> {
  if (!isObj(doc)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(doc)) {
    const path = prefix === '' ? k : `${prefix}.${k}`;
    if (isObj(v)) Object.assign(out, leaves(v, path));
    // Numbers and booleans as text; arrays (none in what pgmeta renders) as JSON.
    else if (v !== null && v !== undefined) out[path] = typeof v === 'string' ? v : JSON.stringify(v);
  }
  return out;
}

function recordedParameters(job: KubeObject): Record<string, string> {
  try {
    const value: unknown = JSON.parse(job.metadata.annotations?.[PARAMS_ANNOTATIONS.parameters] ?? '');
    return isObj(value) ? (value as Record<string, string>) : {};
  } catch {
    return {};
  }
}

/** Parameters pgmeta set before: those its earlier Jobs applied, and the last valid spec's. */
function previousParameters(ctx: Day2Context, jobs: readonly KubeObject[]): Record<string, string> {
  return Object.assign({}, ...jobs.map(recordedParameters), dcsParametersOf(ctx.previousSpec)) as Record<
    string,
    string
  >;
}

/**
 * The `PATCH /config` body: the whole DCS document, removed parameters as null, and the standby
 * section as standby/dcs.ts `standbyPatch` says (null when the spec no longer has one: the promotion).
 * `observedStandby` is the section Patroni holds, or, before that is observed, a marker that the last
 * valid spec had one.
 */
export function dcsPatch(
  cluster: ResolvedCluster,
  previous: Readonly<Record<string, string>>,
  observedStandby?: unknown,
): Json {
  const doc = dcsDocument(cluster);
  const pg = isObj(doc['postgresql']) ? doc['postgresql'] : {};
  const params = splitParameters(cluster.postgresqlParams).dcs;
  const standby = standbyPatch(
    isObj(doc['standby_cluster']) ? doc['standby_cluster'] : undefined,
    observedStandby,
  );
  return {
    ...doc,
    postgresql: { ...pg, ...dcsParametersPatch(params, previous).postgresql },
    ...(standby === undefined ? {} : { standby_cluster: standby }),
  };
}

/** The standby section Patroni holds; `{}` for one the last valid spec had, while the DCS is unseen. */
function observedStandbySection(ctx: Day2Context): unknown {
  const observed = ctx.facts.dcsDocument;
  if (observed !== undefined) return observed['standby_cluster'];
  return isObj(ctx.previousSpec) && ctx.previousSpec['standby'] !== undefined ? {} : undefined;
}

/** Keys the patch deletes (null) that Patroni still holds. */
function deletes(patch: Json, observed: Json): boolean {
  return Object.entries(patch).some(([k, v]) => {
    if (!(k in observed)) return false;
    if (v === null) return true;
    return isObj(v) && isObj(observed[k]) && deletes(v, observed[k]);
  });
}

/** Whether the observed DCS (or, before Patroni's config is observed, the last valid spec) differs. */
function differs(ctx: Day2Context, patch: Json): boolean {
  const params = (patch['postgresql'] as Json)['parameters'] as Json;
  const removed = Object.keys(params).filter((k) => params[k] === null);
  const observed = ctx.facts.dcsDocument;
  if (observed === undefined) {
    const before = dcsParametersOf(ctx.previousSpec);
    const now = splitParameters(ctx.cluster.postgresqlParams).dcs;
    const promote = patch['standby_cluster'] === null;
    return promote || removed.length > 0 || Object.entries(now).some(([k, v]) => before[k] !== v);
  }
  const have = leaves(observed);
  return Object.entries(leaves(patch)).some(([k, v]) => have[k] !== v) || deletes(patch, observed);
}

function paramsJob(ctx: Day2Context, o: { hash: string; parameters: string; patch: string }): KubeObject {
  const { cluster } = ctx;
  return buildOperationJob(cluster, {
    operation: 'params',
    hash: o.hash,
    script: PARAMS_SCRIPT,
    env: [
      envValue('DCS_PATCH', o.patch),
      envValue('LOOP_WAIT', String(DCS_TIMING.loop_wait)),
      envValue(
        'PATRONI_URL',
        `http://${clusterNames(cluster).headlessService}.${cluster.namespace}.svc:${PORTS.patroni.port}`,
      ),
    ],
    annotations: { [PARAMS_ANNOTATIONS.parameters]: o.parameters, [PARAMS_ANNOTATIONS.patch]: o.patch },
    deadlineSeconds: PARAMS_DEADLINE_SECONDS,
    patroniClient: true,
    kubernetesApi: false,
  });
}

/** The parameter Job this sync wants, if any. */
export function planParams(ctx: Day2Context): Proposal | undefined {
  const hash = shortHash(dcsDocument(ctx.cluster));
  const jobs = operationJobs(ctx.observed.jobs, 'params');
  const name = operationJobName(ctx.cluster, 'params', hash);
  const existing = jobs.find((j) => j.metadata.name === name);
  const parameters = JSON.stringify(splitParameters(ctx.cluster.postgresqlParams).dcs);
  const patch = dcsPatch(
    ctx.cluster,
    previousParameters(
      ctx,
      jobs.filter((j) => j !== existing),
    ),
    observedStandbySection(ctx),
  );
  if (existing) {
    // Rendered from what it recorded, so the kept Job is the very object that was created.
    const recorded = existing.metadata.annotations?.[PARAMS_ANNOTATIONS.patch] ?? sortedJson(patch);
    const job = paramsJob(ctx, { hash, parameters, patch: recorded });
    return { operation: 'params', children: [job], existing, disruptive: true };
  }
  if (!ctx.facts.initialized || !differs(ctx, patch)) return undefined;
  const job = paramsJob(ctx, { hash, parameters, patch: sortedJson(patch) });
  return { operation: 'params', children: [job], disruptive: true };
}
