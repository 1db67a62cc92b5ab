/**
 * Restarting every member without changing anything: `kubectl annotate pgc <name>
 * pgmeta.io/restartedAt=<any new value>` (the pgmeta way), or the `kubectl rollout restart sts <name>`
 * an operations guide shows.
 *
 * Both become an annotation on the StatefulSet's pod template, so each new value is a new StatefulSet
 * revision. The StatefulSet uses `updateStrategy: OnDelete`, so its controller restarts nothing itself;
 * the rollout Job (rollout.ts) replaces the members in the safe order: the replicas one at a time, each
 * only while every other member is ready, then a Patroni switchover (`POST /switchover`) to an updated
 * replica, then the former primary as a replica. A replaced pod starts on the same volume with the same
 * environment read afresh (Secrets included), which is what a restart is for.
 *
 * `kubectl rollout restart` patches `kubectl.kubernetes.io/restartedAt` into the template. Metacontroller
 * keeps a field it did not apply under either apply strategy: server-side apply leaves other managers'
 * fields alone, and its client-side merge removes only fields its last applied configuration had
 * (v4.17.2 pkg/dynamic/apply/apply.go `mergeObject`). pgmeta copies the observed value into the template
 * it returns anyway, so the restart is part of the desired state it reports, not a leftover.
 */
import type { KubeObject } from '../../lib/k8s.js';
import { ANNOTATIONS } from '../names.js';
import type { Day2Context } from './types.js';

export interface RestartStatus {
  /** The restart asked for: the parent's annotation, else kubectl's on the StatefulSet. */
  restartedAt: string;
  phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  message: string;
  /** The last restart every member went through. */
  lastCompleted?: string;
}

type Annotations = Record<string, string>;

function templateAnnotations(sts: KubeObject | undefined): Annotations {
  const spec = sts?.['spec'] as { template?: { metadata?: { annotations?: Annotations } } } | undefined;
  return spec?.template?.metadata?.annotations ?? {};
}

/** The restart annotations the pod template carries: the parent's request and kubectl's, if any. */
export function restartAnnotations(parent: KubeObject, observedSts: KubeObject | undefined): Annotations {
  const requested = parent.metadata.annotations?.[ANNOTATIONS.restartedAt]?.trim() ?? '';
  const kubectl = templateAnnotations(observedSts)[ANNOTATIONS.kubectlRestartedAt];
  return {
    ...(requested === '' ? {} : { [ANNOTATIONS.restartedAt]: requested }),
    ...(kubectl === undefined ? {} : { [ANNOTATIONS.kubectlRestartedAt]: kubectl }),
  };
}

/** The rendered StatefulSet with the restart annotations on its pod template. */
export function withRestartAnnotations(sts: KubeObject, restart: Annotations): KubeObject {
  if (Object.keys(restart).length === 0) return sts;
  const spec = (sts['spec'] ?? {}) as { template?: { metadata?: { annotations?: Annotations } } };
  const template = spec.template ?? {};
  const metadata = { ...template.metadata, annotations: { ...template.metadata?.annotations, ...restart } };
  return { ...sts, spec: { ...spec, template: { ...template, metadata } } };
}

type Rollout = { phase: string; message: string; updated: number; members: number } | undefined;

/** Whether the observed StatefulSet carries the restart annotations, and its controller saw it. */
function onTemplate(ctx: Day2Context, wanted: Annotations): boolean {
  const applied = templateAnnotations(ctx.observed.statefulSet);
  return (
    Object.entries(wanted).every(([k, v]) => applied[k] === v) && ctx.facts.statefulSet?.current === true
  );
}

function progress(
  ctx: Day2Context,
  wanted: Annotations,
  rollout: Rollout,
): Pick<RestartStatus, 'phase' | 'message'> {
  if (!onTemplate(ctx, wanted))
    return { phase: 'Pending', message: 'the StatefulSet is getting the new template' };
  if (rollout?.phase === 'Failed') return { phase: 'Failed', message: rollout.message };
  if (rollout && rollout.phase !== 'Succeeded') {
    const message = `${rollout.updated}/${rollout.members} members restarted: ${rollout.message}`;
    return { phase: 'Running', message };
  }
  return { phase: 'Succeeded', message: 'every member restarted' };
}

/**
 * `status.restart`, while a restart annotation exists: Pending until the StatefulSet carries it, Running
 * while members still run an older revision, Succeeded once every member runs it. `lastCompleted` is
 * the value of the last restart that succeeded, carried over from the status while the next one runs.
 */
export function restartStatus(ctx: Day2Context, rollout: Rollout): RestartStatus | undefined {
  const wanted = restartAnnotations(ctx.parent, ctx.observed.statefulSet);
  const restartedAt = wanted[ANNOTATIONS.restartedAt] ?? wanted[ANNOTATIONS.kubectlRestartedAt];
  if (restartedAt === undefined) return undefined;
  const now = progress(ctx, wanted, rollout);
  if (now.phase === 'Succeeded') return { restartedAt, ...now, lastCompleted: restartedAt };
  const previous = (ctx.parent['status'] as { restart?: { lastCompleted?: unknown } } | undefined)?.restart
    ?.lastCompleted;
  return { restartedAt, ...now, ...(typeof previous === 'string' ? { lastCompleted: previous } : {}) };
}
