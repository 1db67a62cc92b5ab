/**
 * The emulated API server's object store: what etcd plus the generic registry do for every write.
 *
 * - uid on create, `resourceVersion` from one counter bumped on every change (a no-op write bumps
 *   nothing, as in Kubernetes), `generation` bumped when anything but metadata and status changes;
 * - main-resource writes keep the stored status and status writes keep everything else (every kind
 *   here has a status subresource);
 * - delete: objects with finalizers, and Pods (graceful deletion), get a `deletionTimestamp` and stay
 *   until the last finalizer goes or the kubelet removes them;
 * - kind-specific defaults and validation come from `apiserver-rules.ts`.
 * Every change is logged with who made it, so scenarios can say who deleted what.
 */
import { createHash } from 'node:crypto';
import type { KubeObject } from '../../../hooks/lib/k8s';
import type { SimClock } from './clock';
import { deletionFinalizers, type PropagationPolicy } from './deletion';
import { clone, deepEqual, diffPaths } from './json';

export type Verb = 'create' | 'update' | 'status' | 'terminate' | 'delete';

/** One change to the store. */
export interface ChangeRecord {
  rv: number;
  at: number;
  actor: string;
  verb: Verb;
  kind: string;
  namespace: string;
  name: string;
  uid: string;
  labels: Record<string, string>;
  /** For updates: where the object changed. */
  paths?: string[];
}

export class ApiError extends Error {
  readonly code: 404 | 409 | 422;

  constructor(code: 404 | 409 | 422, message: string) {
    super(message);
    this.code = code;
    this.name = 'ApiError';
  }
}

/** Kind-specific API server behaviour (defaults, validation), see apiserver-rules.ts. */
export interface KindRules {
  defaults(obj: KubeObject, store: ApiStore): void;
  /** Admission plugins that act on creation only (e.g. the storage-protection finalizers). */
  admit?(obj: KubeObject): void;
  validate(old: KubeObject | undefined, obj: KubeObject, store: ApiStore): string | undefined;
}

/** Kinds whose metadata.generation the API server maintains. */
const GENERATION_KINDS = new Set([
  'StatefulSet',
  'Job',
  'Deployment',
  'PodDisruptionBudget',
  'PostgresCluster',
  'PostgresDatabase',
  'PostgresBackup',
]);
/** Kinds the kubelet removes after a grace period rather than at once. */
const GRACEFUL_KINDS = new Set(['Pod']);
export const CLUSTER_SCOPED = new Set(['StorageClass', 'Node', 'Namespace', 'PersistentVolume']);

export interface ObjectRef {
  kind: string;
  namespace: string;
  name: string;
}

const keyOf = (r: ObjectRef): string => `${r.kind}|${r.namespace}|${r.name}`;
const refOf = (o: KubeObject): ObjectRef => ({
  kind: o.kind,
  namespace: CLUSTER_SCOPED.has(o.kind) ? '' : (o.metadata.namespace ?? ''),
  name: o.metadata.name,
});

export class ApiStore {
  private readonly objects = new Map<string, KubeObject>();
  private readonly uids = new Set<string>();
  private rv = 100;
  private uidSeq = 0;
  readonly log: ChangeRecord[] = [];
  /** Called after every change (the scenario traces them as they happen). */
  onChange: ((c: ChangeRecord) => void) | undefined;
  /** Watchers (the emulator's informers): every change with the object after it and before it. */
  readonly watchers: ((c: ChangeRecord, obj: KubeObject, old: KubeObject | undefined) => void)[] = [];

  readonly clock: SimClock;
  private readonly rules: KindRules;

  constructor(clock: SimClock, rules: KindRules) {
    this.clock = clock;
    this.rules = rules;
  }

  /** The resourceVersion of the last change anywhere. */
  get revision(): number {
    return this.rv;
  }

  get(ref: ObjectRef): KubeObject | undefined {
    const o = this.objects.get(keyOf(ref));
    return o === undefined ? undefined : clone(o);
  }

  /** Objects of a kind, in one namespace or all, sorted by namespace and name. */
  list(kind: string, namespace?: string): KubeObject[] {
    return [...this.objects.values()]
      .filter((o) => o.kind === kind && (namespace === undefined || refOf(o).namespace === namespace))
      .sort((a, b) => keyOf(refOf(a)).localeCompare(keyOf(refOf(b))))
      .map((o) => clone(o));
  }

  all(): KubeObject[] {
    return [...this.objects.values()].map((o) => clone(o));
  }

  hasUid(uid: string): boolean {
    return this.uids.has(uid);
  }

  create(input: KubeObject, actor: string): KubeObject {
    const obj = clone(input);
    const ref = refOf(obj);
    if (this.objects.has(keyOf(ref))) {
      throw new ApiError(409, `${ref.kind} ${ref.namespace}/${ref.name} already exists`);
    }
    const meta = obj.metadata;
    if (!CLUSTER_SCOPED.has(obj.kind)) meta.namespace = ref.namespace;
    delete meta.deletionTimestamp;
    delete meta['deletionGracePeriodSeconds'];
    delete meta.generation;
    meta.uid = this.newUid(ref);
    meta.creationTimestamp = this.clock.iso();
    if (GENERATION_KINDS.has(obj.kind)) meta.generation = 1;
    this.rules.defaults(obj, this);
    this.rules.admit?.(obj);
    this.check(undefined, obj);
    meta.resourceVersion = String(++this.rv);
    this.objects.set(keyOf(ref), obj);
    this.uids.add(meta.uid);
    this.record(actor, 'create', obj);
    return clone(obj);
  }

  /** Writes everything but status (and server-managed metadata). */
  update(input: KubeObject, actor: string): KubeObject {
    const { old, obj } = this.prepare(input);
    return this.commit(old, obj, { actor, verb: 'update' });
  }

  /** Whether `update(input)` would change the stored object (a server-side dry run). */
  wouldChange(input: KubeObject): boolean {
    const { old, obj } = this.prepare(input);
    return !deepEqual(old, obj);
  }

  private prepare(input: KubeObject): { old: KubeObject; obj: KubeObject } {
    const old = this.current(input);
    const obj = clone(input);
    keepServerMetadata(old, obj);
    if ('status' in old) obj['status'] = clone(old['status']);
    else delete obj['status'];
    this.rules.defaults(obj, this);
    if (GENERATION_KINDS.has(obj.kind) && !deepEqual(specOf(old), specOf(obj))) {
      obj.metadata.generation = (old.metadata.generation ?? 0) + 1;
    }
    return { old, obj };
  }

  /** Writes the status only. */
  updateStatus(input: KubeObject, actor: string): KubeObject {
    const old = this.current(input);
    const obj = clone(old);
    if (input['status'] === undefined) delete obj['status'];
    else obj['status'] = clone(input['status']);
    return this.commit(old, obj, { actor, verb: 'status' });
  }

  /**
   * A delete request: finalizers and graceful kinds make it a `deletionTimestamp` first. A
   * propagation policy puts the garbage collector's finalizer on the object (deletion.ts).
   */
  delete(ref: ObjectRef, o: { actor: string; uid?: string; propagationPolicy?: PropagationPolicy }): void {
    const old = this.objects.get(keyOf(ref));
    if (!old) throw new ApiError(404, `${ref.kind} ${ref.namespace}/${ref.name} not found`);
    if (o.uid !== undefined && old.metadata.uid !== o.uid) {
      throw new ApiError(409, `${ref.kind} ${ref.namespace}/${ref.name}: uid precondition failed`);
    }
    if (old.metadata.deletionTimestamp !== undefined) return;
    const finalizers = deletionFinalizers(old.metadata.finalizers ?? [], o.propagationPolicy);
    if (GRACEFUL_KINDS.has(ref.kind) || finalizers.length > 0) {
      const obj = clone(old);
      if (finalizers.length > 0) obj.metadata.finalizers = finalizers;
      else delete obj.metadata.finalizers;
      obj.metadata.deletionTimestamp = this.clock.iso();
      if (GRACEFUL_KINDS.has(ref.kind)) obj.metadata['deletionGracePeriodSeconds'] = 30;
      obj.metadata.resourceVersion = String(++this.rv);
      this.objects.set(keyOf(ref), obj);
      this.record(o.actor, 'terminate', obj, undefined, old);
      return;
    }
    this.remove(ref, o.actor);
  }

  /** The object leaves the store (a graceful deletion completed, or no finalizers were left). */
  remove(ref: ObjectRef, actor: string): void {
    const old = this.objects.get(keyOf(ref));
    if (!old) return;
    this.objects.delete(keyOf(ref));
    this.uids.delete(old.metadata.uid ?? '');
    ++this.rv;
    this.record(actor, 'delete', old);
  }

  private current(input: KubeObject): KubeObject {
    const ref = refOf(input);
    const old = this.objects.get(keyOf(ref));
    if (!old) throw new ApiError(404, `${ref.kind} ${ref.namespace}/${ref.name} not found`);
    const uid = input.metadata.uid;
    if (uid !== undefined && uid !== old.metadata.uid) {
      throw new ApiError(409, `${ref.kind} ${ref.namespace}/${ref.name}: uid precondition failed`);
    }
    return old;
  }

  private commit(old: KubeObject, obj: KubeObject, o: { actor: string; verb: Verb }): KubeObject {
    if (deepEqual(old, obj)) return clone(old);
    this.check(old, obj);
    const ref = refOf(obj);
    // A terminating Pod stays (and takes status writes) until the kubelet removes it after its grace period.
    if (
      obj.metadata.deletionTimestamp !== undefined &&
      (obj.metadata.finalizers ?? []).length === 0 &&
      !GRACEFUL_KINDS.has(ref.kind)
    ) {
      this.objects.set(keyOf(ref), obj);
      this.remove(ref, o.actor);
      return clone(obj);
    }
    obj.metadata.resourceVersion = String(++this.rv);
    this.objects.set(keyOf(ref), obj);
    this.record(o.actor, o.verb, obj, diffPaths(old, obj), old);
    return clone(obj);
  }

  private check(old: KubeObject | undefined, obj: KubeObject): void {
    const problem = this.rules.validate(old, obj, this);
    if (problem !== undefined) {
      const ref = refOf(obj);
      throw new ApiError(422, `${ref.kind} ${ref.namespace}/${ref.name} is invalid: ${problem}`);
    }
  }

  private newUid(ref: ObjectRef): string {
    const h = createHash('sha256')
      .update(`${keyOf(ref)}#${++this.uidSeq}`)
      .digest('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  private record(actor: string, verb: Verb, obj: KubeObject, paths?: string[], old?: KubeObject): void {
    const ref = refOf(obj);
    const change: ChangeRecord = {
      rv: this.rv,
      at: this.clock.now,
      actor,
      verb,
      ...ref,
      uid: obj.metadata.uid ?? '',
      labels: { ...obj.metadata.labels },
      ...(paths ? { paths: paths.filter((p) => p !== 'metadata.resourceVersion') } : {}),
    };
    this.log.push(change);
    this.onChange?.(change);
    for (const w of this.watchers) w(change, obj, old);
  }
}

/** What a client may not change: identity and the deletion/generation bookkeeping. */
function keepServerMetadata(old: KubeObject, obj: KubeObject): void {
  const keep = new Set([
    'uid',
    'creationTimestamp',
    'deletionTimestamp',
    'deletionGracePeriodSeconds',
    'generation',
  ]);
  const fromClient = Object.entries(obj.metadata).filter(([k]) => !keep.has(k));
  const fromServer = Object.entries(old.metadata).filter(([k, v]) => keep.has(k) && v !== undefined);
  obj.metadata = Object.fromEntries([...fromClient, ...fromServer]) as KubeObject['metadata'];
  obj.metadata.resourceVersion = old.metadata.resourceVersion ?? '';
  if (!CLUSTER_SCOPED.has(obj.kind)) obj.metadata.namespace = old.metadata.namespace ?? '';
}

/** Everything that makes up an object's desired state: all but metadata and status. */
function specOf(o: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, ...rest } = o;
  return rest;
}

export { refOf, keyOf };
