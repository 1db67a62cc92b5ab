/**
 * The pod security profile of `spec.platform` (docs/openshift.md), shared by every pod a cluster runs:
 * its members, its Jobs and its poolers.
 *
 * - `kubernetes`: the image's own user and group, fixed, so files on the volumes belong to a known id.
 * - `openshift`: no `runAsUser`, `runAsGroup` or `fsGroup`. OpenShift's default SCC, restricted-v2,
 *   assigns the user and the fsGroup from the namespace's range (`runAsUser: MustRunAsRange`,
 *   `fsGroup: MustRunAs`) and refuses a pod that names ids outside it; the image's ids (101, 103) are
 *   outside every namespace's range. The process then runs as that arbitrary user with group 0, which
 *   Spilo's image allows for: `build_scripts/post_build.sh` makes /etc/passwd, PGHOME and RW_DIR
 *   writable by group 0 and `launch.sh` rewrites the `postgres` entry of /etc/passwd to the current
 *   id, so its scripts (configure_spilo.py `adjust_owner`, which looks `postgres` up) own their files.
 *   runAsGroup is left out too: a group other than 0 could not write /etc/passwd.
 * Both: never root, seccomp `RuntimeDefault`, which restricted-v2 requires (`seccompProfiles:
 * runtime/default`); containers drop ALL capabilities and never escalate (their builders).
 */
import type { V1PodSecurityContext } from '@kubernetes/client-node';
import type { Plain } from '../../lib/k8s.js';
import type { Platform } from '../spec/dcs.js';

/** The ids an image runs as where the platform does not assign them. */
export interface ImageIdentity {
  user: number;
  group: number;
  /** Also the volumes' group (Secret files readable by the group, a data volume it owns). */
  fsGroup: boolean;
}

/** Pod security for `platform`: the image's ids on Kubernetes, the platform's on OpenShift. */
export function podSecurity(
  platform: Platform,
  id: ImageIdentity,
  extra: Pick<Plain<V1PodSecurityContext>, 'fsGroupChangePolicy'> = {},
): Plain<V1PodSecurityContext> {
  const fixed =
    platform === 'openshift'
      ? {}
      : { runAsUser: id.user, runAsGroup: id.group, ...(id.fsGroup ? { fsGroup: id.group } : {}) };
  return { ...fixed, ...extra, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };
}
