/**
 * The finalize hook. `reclaimPolicy: retain` (the default) lets the resource go at once and touches
 * nothing in PostgreSQL. `delete` runs the delete script and lets go only once its Job succeeded;
 * if the cluster itself is gone there is nothing left to drop. The role Secrets stay in every
 * response (they are protected); the garbage collector removes them with the parent.
 *
 * How it was deleted matters (../metacontroller/deletion.ts): `--cascade=orphan` keeps everything
 * whatever the policy (the Secrets stay, so the roles they open must too), seen either from the
 * `orphan` finalizer or, once the collector is done, from role Secrets it orphaned; `--cascade=foreground`
 * lets the collector delete the children first and only then runs the delete Job. No unobserved
 * child is returned while the collector's finalizer is on.
 */
import { stampConditions, type ConditionInput } from '../lib/conditions.js';
import type { HookContext } from '../lib/context.js';
import type { KubeObject } from '../lib/k8s.js';
import { gcDeletion, onlyObserved, orphanedChildren } from '../metacontroller/deletion.js';
import type { DesiredState, SyncRequest } from '../metacontroller/types.js';
import { observeCluster } from './cluster.js';
import { COMPONENTS, LABELS } from './names.js';
import { keepObserved } from './secrets.js';
import type { JobPlan } from './plan.js';
import { checkSpec, type ResolvedDatabase } from './spec/index.js';
import { deleteSteps } from './sql/index.js';
import { clusterCondition, previousStatus } from './status.js';
import { observedChildren, planAction, type ObservedChildren } from './sync.js';

const SECRET = { kind: 'Secret', apiVersion: 'v1' };

function reclaimed(status: ConditionInput['status'], reason: string, message: string): ConditionInput {
  return { type: 'Reclaimed', status, reason, message };
}

function done(
  req: SyncRequest,
  opts: { children: KubeObject[]; conditions: ConditionInput[]; now: string; finalized: boolean },
): DesiredState {
  const prev = previousStatus(req.parent);
  return {
    status: { phase: 'Deleting', conditions: stampConditions(opts.conditions, prev['conditions'], opts.now) },
    children: opts.children,
    finalized: opts.finalized,
  };
}

/** The policy as written, for a spec too broken to resolve. */
function rawReclaimPolicy(parent: KubeObject): unknown {
  const spec = parent['spec'] as { reclaimPolicy?: unknown } | undefined;
  return spec?.reclaimPolicy;
}

type Verdict = [ConditionInput['status'], string, string];

function verdict(plan: JobPlan): Verdict {
  const job = `Job ${plan.name}`;
  switch (plan.state) {
    case 'succeeded':
      return ['True', 'Dropped', `${job} dropped what this resource created`];
    case 'failed':
      return [
        'False',
        'JobFailed',
        `${job} failed (${plan.message}): fix the cause, or set reclaimPolicy to retain`,
      ];
    case 'active':
    case 'pending':
      return ['False', 'Dropping', `${job} is dropping what this resource created`];
    case 'waiting-job':
      return ['False', 'WaitingForJob', plan.message];
    case 'waiting-cluster':
      return ['False', 'WaitingForCluster', 'the cluster must be Ready to drop what this resource created'];
  }
}

/** `reclaimPolicy: delete` with a valid spec: run the delete script, then let go. */
function finalizeDelete(
  req: SyncRequest,
  ctx: HookContext,
  input: { db: ResolvedDatabase; secrets: KubeObject[]; observed: ObservedChildren },
): DesiredState {
  const { db, secrets } = input;
  const cluster = observeCluster(req.related, db);
  if (!cluster.ready && !cluster.found) {
    const c = reclaimed(
      'True',
      'ClusterGone',
      `PostgresCluster ${db.clusterName} no longer exists: nothing to drop`,
    );
    return done(req, {
      children: secrets,
      conditions: [clusterCondition(cluster), c],
      now: ctx.now,
      finalized: true,
    });
  }
  const { plan } = planAction({
    db,
    action: 'delete',
    steps: deleteSteps(db.model),
    cluster,
    observed: input.observed,
    operatorKey: ctx.operatorKey,
    passwords: [],
  });
  if (gcDeletion(req.parent) === 'foreground') {
    // The collector deletes the children first; the delete Job (never observed yet) waits for it.
    const c = reclaimed('False', 'WaitingForChildren', 'the garbage collector deletes the children first');
    return done(req, {
      children: onlyObserved(req, [...secrets, ...plan.jobs]),
      conditions: [clusterCondition(cluster), c],
      now: ctx.now,
      finalized: false,
    });
  }
  const [status, reason, message] = verdict(plan);
  return done(req, {
    children: [...secrets, ...plan.jobs],
    conditions: [clusterCondition(cluster), reclaimed(status, reason, message)],
    now: ctx.now,
    finalized: plan.state === 'succeeded',
  });
}

/** The finalize hook (see the module comment). */
export function finalizeDatabase(req: SyncRequest, ctx: HookContext): DesiredState {
  const observed = observedChildren(req);
  // The role Secrets stay to the end; a SQL Job's own Secret goes with its Job.
  const isJobSecret = (s: KubeObject): boolean => s.metadata.labels?.[LABELS.component] === COMPONENTS.sql;
  const secrets = observed.secrets.filter((s) => !isJobSecret(s)).map(keepObserved);
  const sqlChildren = [...observed.jobs, ...observed.configMaps, ...observed.secrets.filter(isJobSecret)];
  const orphan = gcDeletion(req.parent) === 'orphan' || orphanedChildren(req, SECRET).length > 0;
  if (orphan) {
    // Hands off (../metacontroller/deletion.ts): the children stay, and so does what they give access to.
    const c = reclaimed(
      'True',
      'Orphaned',
      'deleted with --cascade=orphan: the database, roles and Secrets are kept',
    );
    const children = [...secrets, ...sqlChildren.map(keepObserved)];
    return done(req, { children, conditions: [c], now: ctx.now, finalized: true });
  }
  const checked = checkSpec(req.parent);
  const policy = checked.ok ? checked.resolved.reclaimPolicy : rawReclaimPolicy(req.parent);
  if (policy !== 'delete') {
    const c = reclaimed('True', 'Retained', 'reclaimPolicy is retain: the database and roles are kept');
    return done(req, { children: secrets, conditions: [c], now: ctx.now, finalized: true });
  }
  if (!checked.ok) {
    const c = reclaimed(
      'False',
      'InvalidSpec',
      'the spec is invalid, so what to drop is unknown: fix it or set reclaimPolicy to retain',
    );
    const children = [...secrets, ...sqlChildren.map(keepObserved)];
    return done(req, { children, conditions: [c], now: ctx.now, finalized: false });
  }
  return finalizeDelete(req, ctx, { db: checked.resolved, secrets, observed });
}
