/**
 * The status screen as data: a pure function of what the API server holds for one cluster (the
 * PostgresCluster and its status as hooks/postgrescluster/status/ writes it, its pods, Jobs,
 * PostgresBackups, pooler Deployments and events). `-o json|yaml` prints this; text.ts draws it.
 */
import type { KubeObject } from '../../lib/k8s.js';
import { compact } from './compact.js';
import { splitSpecErrors } from './spec-errors.js';
import { backupsOf, type BackupsView } from './backups.js';
import { operationsOf, type OperationView } from './operations.js';

export interface Gathered {
  cluster: KubeObject;
  pods: KubeObject[];
  jobs: KubeObject[];
  backups: KubeObject[];
  events: KubeObject[];
}

export interface MemberView {
  name: string;
  role: string;
  state: string;
  ready: boolean;
  timeline?: number;
  lagBytes?: number;
  node?: string;
  pendingRestart?: boolean;
}

export interface ConditionView {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface StatusView {
  name: string;
  namespace: string;
  phase: string;
  /** Why: the Ready condition's reason and message (Progressing's while it is true). */
  reason?: string;
  message?: string;
  version: { requested?: string; running?: string; image?: string };
  paused: boolean;
  stopped: boolean;
  primary?: string;
  replicas: { desired: number; ready: number };
  members: MemberView[];
  endpoints: {
    readWrite?: string;
    readOnly?: string;
    database?: string;
    secrets?: { app: string; superuser: string };
  };
  specErrors: { path: string; message: string }[];
  conditions: ConditionView[];
  operations: OperationView[];
  backups: BackupsView;
  pooler?: unknown;
  tls?: unknown;
  /** Condition changes and Warning events, newest first. */
  transitions: { at: string; what: string }[];
}

interface ClusterStatus {
  phase?: string;
  conditions?: ConditionView[];
  primary?: string;
  readyReplicas?: number;
  currentVersion?: string;
  members?: Omit<MemberView, 'node'>[];
  connectionInfo?: {
    readWrite: { host: string; port: number };
    readOnly: { host: string; port: number };
    database: string;
    secrets: { app: string; superuser: string };
  };
  pooler?: unknown;
  tls?: unknown;
}

interface ClusterSpec {
  version?: string;
  image?: string;
  replicas?: number;
  paused?: boolean;
  stopped?: boolean;
}

function why(conditions: readonly ConditionView[]): { reason?: string; message?: string } {
  if (conditions.some((c) => c.type === 'SpecValid' && c.status === 'False'))
    return {
      reason: 'InvalidSpec',
      message: 'the spec is invalid: the children keep the last valid spec (see Spec errors)',
    };
  const ready = conditions.find((c) => c.type === 'Ready');
  const progressing = conditions.find((c) => c.type === 'Progressing' && c.status === 'True');
  const c = ready?.status === 'True' ? undefined : (progressing ?? ready);
  return { ...(c?.reason ? { reason: c.reason } : {}), ...(c?.message ? { message: c.message } : {}) };
}

function membersOf(s: ClusterStatus, pods: readonly KubeObject[]): MemberView[] {
  const nodeOf = (name: string): string | undefined =>
    (pods.find((p) => p.metadata.name === name)?.['spec'] as { nodeName?: string } | undefined)?.nodeName;
  return (s.members ?? []).map((m) => {
    const node = nodeOf(m.name);
    return { ...m, ...(node ? { node } : {}) };
  });
}

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

function transitionsOf(
  conditions: readonly ConditionView[],
  events: readonly KubeObject[],
): StatusView['transitions'] {
  const fromConditions = conditions
    .filter((c) => c.lastTransitionTime !== undefined)
    .map((c) => ({
      at: c.lastTransitionTime ?? '',
      what: `${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}`,
    }));
  const fromEvents = events
    .filter((e) => e['type'] === 'Warning')
    .map((e) => ({
      at: text(e['lastTimestamp']) || text(e['eventTime']) || text(e.metadata.creationTimestamp),
      what: `${text(e['reason']) || 'Warning'}: ${text(e['message'])}`,
    }));
  return [...fromConditions, ...fromEvents].sort((a, b) => b.at.localeCompare(a.at)).slice(0, 10);
}

function endpointsOf(ci: ClusterStatus['connectionInfo']): StatusView['endpoints'] {
  if (!ci) return {};
  return {
    readWrite: `${ci.readWrite.host}:${ci.readWrite.port}`,
    readOnly: `${ci.readOnly.host}:${ci.readOnly.port}`,
    database: ci.database,
    secrets: ci.secrets,
  };
}

export function statusView(g: Gathered): StatusView {
  const spec = (g.cluster['spec'] ?? {}) as ClusterSpec;
  const s = (g.cluster['status'] ?? {}) as ClusterStatus;
  const conditions = s.conditions ?? [];
  return {
    name: g.cluster.metadata.name,
    namespace: g.cluster.metadata.namespace ?? '',
    phase: s.phase ?? 'Unknown (no status yet: is pgmeta installed and running?)',
    ...why(conditions),
    version: compact({ requested: spec.version, running: s.currentVersion, image: spec.image }),
    paused: spec.paused === true,
    stopped: spec.stopped === true,
    ...compact({ primary: s.primary }),
    replicas: { desired: spec.replicas ?? 1, ready: s.readyReplicas ?? 0 },
    members: membersOf(s, g.pods),
    endpoints: endpointsOf(s.connectionInfo),
    specErrors: splitSpecErrors(conditions.find((c) => c.type === 'SpecValid')),
    conditions,
    operations: operationsOf(g.cluster, g.jobs),
    backups: backupsOf(g.cluster, g.backups),
    ...compact({ pooler: s.pooler, tls: s.tls }),
    transitions: transitionsOf(conditions, g.events),
  };
}
