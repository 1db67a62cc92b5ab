/**
 * Never roll out a backup or restore configuration whose Secrets are not there.
 *
 * The rendered StatefulSet refers to user Secret keys by name. Rolling out a reference to a Secret or
 * key that does not exist would leave each updated member unable to start (CreateContainerConfigError,
 * or ContainerCreating for a missing GCS key file), one member after another as the rollout goes on.
 * So while any referenced key is missing (status says which, see status.ts):
 *
 * - an existing StatefulSet keeps the backup and restore part of its pod template exactly as it is
 *   (the configuration last rolled out, or none): the safest state is the one the members already run;
 * - a new cluster is created without archiving (it is added, with a rolling restart, once the Secret
 *   exists); but a cluster that must be restored is not created at all until the restore source's
 *   Secrets exist, because without them Spilo could not clone and a freshly initialised, empty
 *   database would take the place of the restore for good.
 *
 * Independently of Secrets, a cluster that restores gets its archive only after the restore has
 * finished (restore-first.ts says why).
 */
import type { V1Container, V1PodSpec, V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import type { KubeObject, Plain } from '../../lib/k8s.js';
import type { EnvVar } from '../spilo/env.js';
import { isBackupEnvName } from './env.js';
import { BACKUP_VOLUME_PREFIX, RESTORE_VOLUME_PREFIX, STANDBY_VOLUME_PREFIX } from './files.js';
import type { SecretProblem } from './secrets.js';

/** The container of the StatefulSet whose environment carries the configuration. */
const SPILO_CONTAINER = 'postgres';

interface BackupPart {
  env: EnvVar[];
  volumes: Plain<V1Volume>[];
  mounts: Plain<V1VolumeMount>[];
}

type PodSpec = Plain<V1PodSpec>;

function podSpecOf(sts: KubeObject): PodSpec | undefined {
  const spec = sts['spec'] as { template?: { spec?: PodSpec } } | undefined;
  return spec?.template?.spec;
}

function spiloContainer(pod: PodSpec | undefined): Plain<V1Container> | undefined {
  return pod?.containers.find((c) => c.name === SPILO_CONTAINER);
}

/** The variables that carry the archive's WAL-G prefix, one per store. */
export const ARCHIVE_PREFIX_VARS: readonly string[] = ['WALG_S3_PREFIX', 'WALG_GS_PREFIX', 'WALG_AZ_PREFIX'];

/**
 * The archive prefix a pod was started with (its Spilo container's environment), if any. Spilo
 * writes WAL-G's settings once, when the container starts, so this, not the StatefulSet's template,
 * is where a member archives to.
 */
export function podArchivePrefix(pod: KubeObject): string | undefined {
  const env = spiloContainer(pod['spec'] as PodSpec | undefined)?.env ?? [];
  return env.find((e) => ARCHIVE_PREFIX_VARS.includes(e.name) && typeof e.value === 'string')?.value;
}

/** The literal values of the StatefulSet's backup and restore variables, by name. */
export function backupEnvValues(sts: KubeObject | undefined): Record<string, string> {
  return Object.fromEntries(
    backupPart(sts)
      .env.filter((e) => typeof e.value === 'string')
      .map((e) => [e.name, e.value ?? '']),
  );
}

/** The value of the first of `names` that `env` has. */
export function firstOf(env: Record<string, string>, names: readonly string[]): string | undefined {
  for (const n of names) if (env[n] !== undefined) return env[n];
  return undefined;
}

const isBackupVolume = (name: string): boolean => name.startsWith(BACKUP_VOLUME_PREFIX);

/** The backup and restore part of a StatefulSet's pod template (empty when it has none). */
export function backupPart(sts: KubeObject | undefined): BackupPart {
  const pod = sts ? podSpecOf(sts) : undefined;
  const container = spiloContainer(pod);
  return {
    env: (container?.env ?? []).filter((e) => isBackupEnvName(e.name)),
    volumes: (pod?.volumes ?? []).filter((v) => isBackupVolume(v.name)),
    mounts: (container?.volumeMounts ?? []).filter((m) => isBackupVolume(m.name)),
  };
}

const byName = <T extends { name: string }>(a: T, b: T): number =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0;

/**
 * `desired` without its backup entries, with `part` where the backup entries sit in `template` (the
 * list `part` was taken from), so a kept configuration keeps its place among other features' volumes
 * and the StatefulSet does not change by order alone.
 */
function placed<T extends { name: string }>(
  desired: readonly T[],
  part: readonly T[],
  template: readonly T[],
): T[] {
  const rest = desired.filter((t) => !isBackupVolume(t.name));
  const first = template.findIndex((t) => isBackupVolume(t.name));
  const at = first < 0 ? rest.length : template.slice(0, first).filter((t) => !isBackupVolume(t.name)).length;
  return [...rest.slice(0, at), ...part, ...rest.slice(at)];
}

/** The StatefulSet with its backup and restore part replaced by `part`, taken from `from`. */
export function withBackupPart(sts: KubeObject, part: BackupPart, from: KubeObject): KubeObject {
  const spec = sts['spec'] as Record<string, unknown> & { template: { spec: PodSpec } };
  const pod = spec.template.spec;
  const source = podSpecOf(from);
  const sourceMounts = spiloContainer(source)?.volumeMounts ?? [];
  const containers = pod.containers.map((c) => {
    if (c.name !== SPILO_CONTAINER) return c;
    const env = [...(c.env ?? []).filter((e) => !isBackupEnvName(e.name)), ...part.env].sort(byName);
    const mounts = placed(c.volumeMounts ?? [], part.mounts, sourceMounts);
    return { ...c, env, ...(mounts.length > 0 ? { volumeMounts: mounts } : {}) };
  });
  const volumes = placed(pod.volumes ?? [], part.volumes, source?.volumes ?? []);
  const template = {
    ...spec.template,
    spec: { ...pod, containers, ...(volumes.length > 0 ? { volumes } : {}) },
  };
  return { ...sts, spec: { ...spec, template } };
}

/**
 * Only the restore and standby part of a rendered part: what a new cluster keeps while archiving
 * must wait (for a missing Secret, or for the restore to finish). Without it, Spilo would initialise
 * an empty primary in place of the restore or the standby.
 */
function restoreOnly(part: BackupPart): BackupPart {
  const restoreVolume = (name: string): boolean =>
    name.startsWith(RESTORE_VOLUME_PREFIX) || name.startsWith(STANDBY_VOLUME_PREFIX);
  return {
    env: part.env.filter((e) => e.name.startsWith('CLONE_') || e.name.startsWith('STANDBY_')),
    volumes: part.volumes.filter((v) => restoreVolume(v.name)),
    mounts: part.mounts.filter((m) => restoreVolume(m.name)),
  };
}

export interface GuardInput {
  /** The StatefulSet Metacontroller observed, if any. */
  observed?: KubeObject;
  problems: readonly SecretProblem[];
  /** The cluster restores and may not archive yet (restore-first.ts). */
  restorePending?: boolean;
}

/** The StatefulSet made safe against missing Secrets as described above; undefined: hold it back. */
function withoutMissingSecrets(child: KubeObject, input: GuardInput): KubeObject | undefined {
  const { observed, problems } = input;
  if (problems.length === 0) return child;
  if (observed) return withBackupPart(child, backupPart(observed), observed);
  // Without its source, a new cluster would start as an empty primary instead of a copy.
  if (problems.some((p) => p.purpose === 'restore' || p.purpose === 'standby')) return undefined;
  return withBackupPart(child, restoreOnly(backupPart(child)), child);
}

/** The desired children, made safe against missing Secrets and an unfinished restore. */
export function guardBackupConfig(children: readonly KubeObject[], input: GuardInput): KubeObject[] {
  return children.flatMap((child) => {
    if (child.kind !== 'StatefulSet') return [child];
    const safe = withoutMissingSecrets(child, input);
    if (!safe) return [];
    return [input.restorePending ? withBackupPart(safe, restoreOnly(backupPart(safe)), safe) : safe];
  });
}
