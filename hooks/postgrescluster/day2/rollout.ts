/**
 * Template changes (minor version or image, resources, local parameters) in the safe order.
 *
 * Why `OnDelete` rather than `RollingUpdate` with a partition: a rolling update always replaces the
 * highest ordinal first and a partition can only hold back the lower ones, so whenever the primary
 * sits on a high ordinal it would be restarted before the replicas, and a failed restart would then
 * cost a failover instead of a replica. With `OnDelete` the StatefulSet controller only records the
 * new revision; the rollout Job (`<cluster>-rollout-<target revision>`) replaces the pods itself:
 * replicas first, one at a time, then a switchover, then the former primary (rollout-script.ts).
 *
 * The Job's account may only get and delete this cluster's member pods (by name) and read its
 * StatefulSet; it exists only while the Job runs.
 */
import type { KubeObject } from '../../lib/k8s.js';
import { PORTS, clusterNames, podName } from '../names.js';
import { REST_API_SECRET_CONDITION, unusableRestApiPassword } from '../patroni/rest-api-secret.js';
import { envValue } from '../spilo/env.js';
import { buildOperationJob, jobState, operationJobName, operationJobs, shortHash } from './job.js';
import { buildOperationRbac, namedRule, type PolicyRule } from './rbac.js';
import { ROLLOUT_SCRIPT } from './rollout-script.js';
import type { Day2Context, Proposal } from './types.js';

/** On the Job: the StatefulSet revision it moves every member to. */
export const ROLLOUT_REVISION_ANNOTATION = 'pgmeta.io/target-revision';

/** Every member replaced one by one, each after a clean shutdown and a possibly long start. */
export const ROLLOUT_DEADLINE_SECONDS = 21_600;

/**
 * The Job name's suffix: the revision's own hash (`<statefulset>-<hash>` is what the StatefulSet
 * controller names revisions), or a hash of the whole revision name when it has another shape.
 */
export function revisionHash(statefulSet: string, revision: string): string {
  const own = revision.startsWith(`${statefulSet}-`) ? revision.slice(statefulSet.length + 1) : '';
  return /^[a-z0-9]{1,10}$/.test(own) ? own : shortHash(revision);
}

/** Member pod names the Job may touch: every ordinal the cluster has or is about to have. */
function memberNames(ctx: Day2Context): string[] {
  const highest = Math.max(
    ctx.cluster.replicas,
    ctx.facts.statefulSet?.replicas ?? 0,
    ...ctx.facts.members.map((m) => m.ordinal + 1),
  );
  return Array.from({ length: highest }, (_, i) => podName(ctx.cluster, i));
}

function rolloutRules(ctx: Day2Context): PolicyRule[] {
  return [
    namedRule({ group: '', resource: 'pods', verbs: ['get', 'delete'], names: memberNames(ctx) }),
    namedRule({
      group: 'apps',
      resource: 'statefulsets',
      verbs: ['get'],
      names: [clusterNames(ctx.cluster).statefulSet],
    }),
  ];
}

function rolloutJob(ctx: Day2Context, revision: string): KubeObject {
  const { cluster } = ctx;
  const names = clusterNames(cluster);
  return buildOperationJob(cluster, {
    operation: 'rollout',
    hash: revisionHash(names.statefulSet, revision),
    script: ROLLOUT_SCRIPT,
    env: [
      envValue('NAMESPACE', cluster.namespace),
      envValue(
        'PATRONI_URL',
        `http://${names.headlessService}.${cluster.namespace}.svc:${PORTS.patroni.port}`,
      ),
      envValue('PRIMARY_UPDATE_METHOD', cluster.lifecycle.primaryUpdateMethod),
      envValue('STATEFULSET', names.statefulSet),
      envValue('TARGET_REVISION', revision),
    ],
    annotations: { [ROLLOUT_REVISION_ANNOTATION]: revision },
    deadlineSeconds: ROLLOUT_DEADLINE_SECONDS,
    patroniClient: true,
    kubernetesApi: true,
  });
}

/** Members still on another revision than the StatefulSet's update revision. */
export function staleMembers(ctx: Day2Context): string[] {
  const target = ctx.facts.statefulSet?.updateRevision;
  if (target === undefined) return [];
  return ctx.facts.members
    .filter((m) => m.revision !== undefined && m.revision !== target)
    .map((m) => m.name);
}

function proposal(ctx: Day2Context, revision: string, existing?: KubeObject): Proposal {
  const job = rolloutJob(ctx, revision);
  const running = !existing || jobState(existing) === 'active';
  const rbac = running ? buildOperationRbac(ctx.cluster, 'rollout', rolloutRules(ctx)) : [];
  return {
    operation: 'rollout',
    children: [job, ...rbac],
    ...(existing ? { existing } : {}),
    disruptive: true,
  };
}

/**
 * Why no new rollout starts, or undefined. A replaced member reads the REST API Secret when its
 * container starts; while that Secret's password cannot reach Patroni (patroni/rest-api-secret.ts)
 * each member the rollout replaced would crash-loop in Spilo, and a one-member cluster would be down.
 * Members already running are unaffected, so the rollout waits for the Secret to be fixed.
 */
export function rolloutHeld(ctx: Day2Context): string | undefined {
  const secret = clusterNames(ctx.cluster).restApiSecret;
  if (!unusableRestApiPassword(ctx.observed.secrets[secret])) return undefined;
  return `held: Secret ${secret} data.password cannot reach Patroni (condition ${REST_API_SECRET_CONDITION})`;
}

/**
 * The rollout Job: kept while it runs (a Job for an older revision included, so it can end itself),
 * or while members are still stale after it finished (a failed one stays, for its status, until
 * someone deletes it to retry); made when members are stale and none exists for this revision, unless
 * {@link rolloutHeld}.
 */
export function planRollout(ctx: Day2Context): Proposal | undefined {
  const planned = rolloutProposal(ctx);
  return planned && !planned.existing && rolloutHeld(ctx) !== undefined ? undefined : planned;
}

function rolloutProposal(ctx: Day2Context): Proposal | undefined {
  const sts = ctx.facts.statefulSet;
  const jobs = operationJobs(ctx.observed.jobs, 'rollout');
  const running = jobs.find((j) => jobState(j) === 'active');
  const recorded = running?.metadata.annotations?.[ROLLOUT_REVISION_ANNOTATION];
  if (running && recorded !== undefined) return proposal(ctx, recorded, running);
  const target = sts?.updateRevision;
  if (!sts?.current || target === undefined) return undefined;
  const name = operationJobName(
    ctx.cluster,
    'rollout',
    revisionHash(clusterNames(ctx.cluster).statefulSet, target),
  );
  const existing = jobs.find((j) => j.metadata.name === name);
  if (staleMembers(ctx).length === 0) return undefined;
  return proposal(ctx, target, existing);
}
