/**
 * What every Job that runs one program in a cluster's image has in common: the pod and container
 * security, no Kubernetes API token unless the Job names a ServiceAccount, no service links, small
 * bounded resources, and one container. Each Job builder (one per child kind) supplies the rest.
 *
 * No `ttlSecondsAfterFinished` unless a builder asks for it: the TTL controller would delete a
 * finished Job, the next sync would find it missing and Metacontroller would create it again.
 */
import type {
  V1Container,
  V1JobSpec,
  V1PodSecurityContext,
  V1PodSpec,
  V1SecurityContext,
} from '@kubernetes/client-node';
import type { Plain } from '../../lib/k8s.js';
import type { ResolvedCluster } from '../spec/resolved.js';
import type { Platform } from '../spec/dcs.js';
import { POSTGRES_GID, POSTGRES_UID } from './pod-template.js';
import { podSecurity } from './security.js';

/**
 * Pod security of every Job that runs the cluster's image: the postgres user (on OpenShift the one
 * the platform assigns, security.ts), never root.
 */
export function jobPodSecurity(platform: Platform = 'kubernetes'): Plain<V1PodSecurityContext> {
  return podSecurity(platform, { user: POSTGRES_UID, group: POSTGRES_GID, fsGroup: false });
}

/** Container security of every such Job: no privilege escalation, no capabilities. */
export function jobContainerSecurity(): Plain<V1SecurityContext> {
  return { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };
}

/**
 * The cluster's tolerations and node selector, each omitted when empty: tainted or dedicated
 * database nodes may be the only ones that can run a Job of the cluster.
 */
export function jobScheduling(
  cluster: Pick<ResolvedCluster, 'scheduling'>,
): Pick<Plain<V1PodSpec>, 'tolerations' | 'nodeSelector'> {
  const { tolerations, nodeSelector } = cluster.scheduling;
  return {
    ...(tolerations.length > 0 ? { tolerations } : {}),
    ...(Object.keys(nodeSelector).length > 0 ? { nodeSelector } : {}),
  };
}

/** The Job's one container: its own fields; resources and security come from {@link jobSpec}. */
export type JobContainer = Omit<Plain<V1Container>, 'resources' | 'securityContext'> & {
  name: string;
  image: string;
  /** psql or a short Python program: a few tens of MiB; the limit is the same for every Job. */
  memoryRequest: '32Mi' | '64Mi';
  /** For a Job that writes nothing but its mounted volumes. */
  readOnlyRootFilesystem?: true;
};

/** What sets one Job apart from the others. */
export interface JobSpecOptions {
  /** The cluster's `spec.platform`: who picks the pod's user (security.ts). @default 'kubernetes' */
  platform?: Platform;
  /** Labels of the Job's pods. */
  labels: Readonly<Record<string, string>>;
  /** Retries, how long it may run and, only if asked for, when a finished Job is removed. */
  limits: Pick<Plain<V1JobSpec>, 'ttlSecondsAfterFinished'> & {
    backoffLimit: number;
    activeDeadlineSeconds: number;
  };
  /**
   * Pod fields of its own: `OnFailure` retries in the same pod, `Never` keeps each failed pod (its
   * log, its termination message). A `serviceAccountName` for a Job that calls the Kubernetes API.
   */
  pod: Pick<
    Plain<V1PodSpec>,
    'serviceAccountName' | 'tolerations' | 'nodeSelector' | 'volumes' | 'imagePullSecrets'
  > & {
    restartPolicy: 'OnFailure' | 'Never';
  };
  container: JobContainer;
}

/** The Job spec: the shared skeleton around the builder's own pod fields and container. */
export function jobSpec({ labels, limits, pod, container, platform }: JobSpecOptions): Plain<V1JobSpec> {
  const { memoryRequest, readOnlyRootFilesystem, ...own } = container;
  return {
    ...limits,
    template: {
      metadata: { labels: { ...labels } },
      spec: {
        // A Job that names no ServiceAccount needs no Kubernetes API access: no token at all.
        ...(pod.serviceAccountName === undefined ? { automountServiceAccountToken: false } : {}),
        enableServiceLinks: false,
        securityContext: jobPodSecurity(platform),
        ...pod,
        containers: [
          {
            ...own,
            resources: { requests: { cpu: '10m', memory: memoryRequest }, limits: { memory: '128Mi' } },
            securityContext: {
              ...jobContainerSecurity(),
              ...(readOnlyRootFilesystem ? { readOnlyRootFilesystem } : {}),
            },
          },
        ],
      },
    },
  };
}
