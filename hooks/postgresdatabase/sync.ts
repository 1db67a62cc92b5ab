/**
 * The sync hook: a PostgresDatabase and what Metacontroller observed → the role Secrets, the SQL Job
 * and the status. Pure: the same request gives the same response.
 */
import type { HookContext } from '../lib/context.js';
import type { KubeObject } from '../lib/k8s.js';
import { listObjects } from '../metacontroller/children.js';
import type { DesiredState, SyncRequest } from '../metacontroller/types.js';
import { observeCluster, type ClusterView } from './cluster.js';
import { revision, sqlConfigMap, sqlJob } from './job.js';
import { jobName, type JobAction } from './names.js';
import { planJob, type JobPlan } from './plan.js';
import { desiredSecrets, keepObserved, roleVerifiers, verifierSecret } from './secrets.js';
import { checkSpec, type FieldError, type ResolvedDatabase } from './spec/index.js';
import { clusterReservedErrors } from './spec/role-rules.js';
import { applySteps, renderPsql, type Step } from './sql/index.js';
import { invalidStatus, syncStatus } from './status.js';

export interface ObservedChildren {
  secrets: KubeObject[];
  jobs: KubeObject[];
  configMaps: KubeObject[];
}

/** The children a PostgresDatabase observes, by type. */
export function observedChildren(req: SyncRequest): ObservedChildren {
  return {
    secrets: listObjects(req.children, 'Secret', 'v1'),
    jobs: listObjects(req.children, 'Job', 'batch/v1'),
    configMaps: listObjects(req.children, 'ConfigMap', 'v1'),
  };
}

/** What one SQL action needs: the Job (when the cluster can take it) and where it stands. */
export function planAction(opts: {
  db: ResolvedDatabase;
  action: JobAction;
  steps: readonly Step[];
  cluster: ClusterView;
  observed: ObservedChildren;
  operatorKey: Uint8Array;
  passwords: readonly string[];
}): { plan: JobPlan; revision: string } {
  const { db, action, cluster } = opts;
  const script = renderPsql(opts.steps, [`pgmeta.io PostgresDatabase ${db.namespace}/${db.name}: ${action}`]);
  const rev = revision(script, { operatorKey: opts.operatorKey, passwords: opts.passwords });
  const verifiers =
    action === 'apply' ? roleVerifiers({ db, passwords: opts.passwords, operatorKey: opts.operatorKey }) : [];
  const input = cluster.ready
    ? {
        parent: db.name,
        action,
        script,
        revision: rev,
        image: cluster.image,
        pullSecrets: cluster.pullSecrets,
        platform: cluster.platform,
        endpoint: cluster,
        passwordEnv: verifiers.map((v) => v.env),
      }
    : undefined;
  const name = jobName(db.name, action, rev);
  const desired = input
    ? [sqlJob(input), sqlConfigMap(input), ...(verifiers.length > 0 ? [verifierSecret(name, verifiers)] : [])]
    : undefined;
  const plan = planJob({ observed: opts.observed, desired, name });
  return { plan, revision: rev };
}

/** An invalid spec changes no child (docs/architecture.md rule 2): the observed ones are kept, the errors reported. */
function invalidResponse(req: SyncRequest, ctx: HookContext, errors: FieldError[]): DesiredState {
  const observed = observedChildren(req);
  return {
    status: invalidStatus({ errors, parent: req.parent, now: ctx.now }),
    children: [...observed.secrets, ...observed.jobs, ...observed.configMaps].map(keepObserved),
  };
}

/** The sync hook. */
export function syncDatabase(req: SyncRequest, ctx: HookContext): DesiredState {
  const observed = observedChildren(req);
  const checked = checkSpec(req.parent);
  if (!checked.ok) return invalidResponse(req, ctx, checked.errors);
  const db = checked.resolved;
  const cluster = observeCluster(req.related, db, ctx.images);
  const reserved = cluster.reserved ? clusterReservedErrors(checked.spec, cluster.reserved) : [];
  if (reserved.length > 0) return invalidResponse(req, ctx, reserved);
  const { secrets, passwords } = desiredSecrets({
    db,
    observed: observed.secrets,
    operatorKey: ctx.operatorKey,
    endpoint: cluster,
  });
  const { plan, revision: rev } = planAction({
    db,
    action: 'apply',
    steps: applySteps(db.model),
    cluster,
    observed,
    operatorKey: ctx.operatorKey,
    passwords,
  });
  return {
    status: syncStatus({ db, cluster, plan, revision: rev, parent: req.parent, now: ctx.now }),
    children: [...secrets, ...plan.jobs],
  };
}
