/**
 * A Metacontroller (v4.17.2) running one or more CompositeControllers for scenario tests, following
 * the documented contract in shared/reference/metacontroller.md §2-§4. Like the real one, it runs
 * every controller against one API server and one hook service: each controller watches its own
 * parent resource (two controllers on one parent resource are refused), and its parents' syncs are
 * its own; history, errors and injected hook failures are shared, as they are one process's.
 * One `syncParent` is one sync of one parent, in the order of §2.1:
 *
 *  1. read the parent; 2. add the finalizer before anything else; 3. claim children by the
 *  `controller-uid` selector (keep owned, adopt matching orphans, release owned that stopped
 *  matching); 4. customize (cached per parent uid + generation) → related objects; 5. call sync, or
 *  finalize while the parent is being deleted, over HTTP on the real hook server (v2 keys); a non-200
 *  or an unreadable/strict-invalid body ends the sync here and changes nothing; 6. schedule
 *  `resyncAfterSeconds`; 7. remove the finalizer on `finalized: true`; 8. every desired child must
 *  match the selector or the whole sync aborts; 9. delete every observed child the response omits
 *  (background propagation), then create or update each desired child per its type's update
 *  strategy; 10. write status with `observedGeneration` (pruned and validated by the CRD schema).
 *
 * Children are written with the semantics of apply (merge.ts): fields the hook set before and no
 * longer sets are removed, fields set by the API server or other writers are kept.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { KubeObject } from '../../hooks/lib/k8s';
import type { SimClock } from './lib/clock';
import { REPO_ROOT, loadCrds, structural } from './lib/crd';
import type { HookAnswer, HookServer } from './lib/hook-server';
import { clone, deepEqual, isObject, type JsonObject } from './lib/json';
import { threeWayMerge } from './lib/merge';
import { resourceInfo } from './lib/resources';
import { matches, type Selector } from './lib/selectors';
import { ApiError, CLUSTER_SCOPED, type ApiStore, type ObjectRef } from './lib/store';

export const METACONTROLLER = 'metacontroller';

interface ChildRule {
  apiVersion: string;
  resource: string;
  updateStrategy?: { method?: string };
}

interface HookSpec {
  version?: string;
  webhook?: { url?: string };
}

/** The CompositeController object, as the YAML in composite-controllers/ declares it. */
export interface CompositeController {
  apiVersion: string;
  kind: 'CompositeController';
  metadata: { name: string };
  spec: {
    generateSelector?: boolean;
    resyncPeriodSeconds?: number;
    parentResource: { apiVersion: string; resource: string };
    childResources: ChildRule[];
    hooks: { sync: HookSpec; finalize?: HookSpec; customize?: HookSpec };
  };
}

/** The CompositeController named `name` from composite-controllers/*.yaml. */
export function loadCompositeController(name: string): CompositeController {
  const dir = join(REPO_ROOT, 'composite-controllers');
  for (const file of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f))) {
    const doc = parse(readFileSync(join(dir, file), 'utf8')) as CompositeController | null;
    if (doc?.kind === 'CompositeController' && doc.metadata.name === name) return doc;
  }
  throw new Error(`no CompositeController ${name} in composite-controllers/`);
}

/** What one sync saw and did, kept for assertions about every step of a scenario. */
export interface SyncRecord {
  seq: number;
  at: number;
  /** The CompositeController that synced (`metadata.name`). */
  controller: string;
  parent: string;
  parentUid: string;
  hook: 'sync' | 'finalize';
  httpStatus: number;
  /** Why the sync changed nothing or failed part-way (non-200, strict decoding, label check). */
  error?: string;
  /** The member pods in the request: name, role label, ready, terminating. */
  pods: ObservedPod[];
  /** Children in the request, as `Kind/name`. */
  observedChildren: string[];
  /** `spec.replicas` of the StatefulSet in the request, if one was observed. */
  observedReplicas?: number;
  /** Children in the response, as `Kind/name`. */
  desiredChildren?: string[];
  status?: JsonObject;
  finalized?: boolean;
  resyncAfterSeconds?: number;
}

export interface ObservedPod {
  name: string;
  role: string | undefined;
  ready: boolean;
  terminating: boolean;
}

interface ParentState {
  /** Store revision when the last sync started: any later change is an event for this parent. */
  inputsAt: number;
  lastSyncAt: number;
  resyncAt?: number;
  failed: boolean;
}

export interface MetacontrollerOptions {
  store: ApiStore;
  hooks: HookServer;
  clock: SimClock;
  /** The CompositeControllers to run, each on its own parent resource. */
  controllers: readonly CompositeController[];
  trace?: (line: string) => void;
}

type ObjectMap = Record<string, Record<string, KubeObject>>;

/** What the controllers of one Metacontroller share: the API, the hook service and the records. */
interface Shared {
  o: MetacontrollerOptions;
  history: SyncRecord[];
  problems: string[];
  errors: string[];
  failures: HookAnswer[];
  nextSeq(): number;
}

export class Metacontroller {
  readonly history: SyncRecord[] = [];
  /** Contract problems the real cluster would show as silent misbehaviour (pruned status, ...). */
  readonly problems: string[] = [];
  /** SyncError events: per-object API errors and failed hook calls. */
  readonly errors: string[] = [];
  private readonly failures: HookAnswer[] = [];
  private readonly loops: CompositeLoop[];
  private seq = 0;

  constructor(o: MetacontrollerOptions) {
    const shared: Shared = {
      o,
      history: this.history,
      problems: this.problems,
      errors: this.errors,
      failures: this.failures,
      nextSeq: () => ++this.seq,
    };
    this.loops = o.controllers.map((cc) => new CompositeLoop(cc, shared));
    const kinds = this.loops.map((l) => l.parentKind);
    const twice = kinds.find((k, i) => kinds.indexOf(k) !== i);
    if (twice !== undefined) throw new Error(`two CompositeControllers watch ${twice} parents`);
  }

  private loopOf(parentKind: string): CompositeLoop {
    const loop = this.loops.find((l) => l.parentKind === parentKind);
    if (!loop) throw new Error(`no CompositeController watches ${parentKind}`);
    return loop;
  }

  /** The next `n` hook calls (sync, finalize or customize, of any controller) answer with this status. */
  failNextCalls(n: number, status = 500): void {
    for (let i = 0; i < n; i++) this.failures.push({ status, body: { error: 'injected failure' } });
  }

  /**
   * Syncs, controller after controller in the order given, every parent with an event since its
   * last sync (any store change), a due `resyncAfterSeconds` or `resyncPeriodSeconds`, or every
   * parent when `force`. Returns how many.
   */
  async syncDue(o: { force?: boolean } = {}): Promise<number> {
    let n = 0;
    for (const loop of this.loops) n += await loop.syncDue(o);
    return n;
  }

  /** One sync of one parent by the controller of its kind (§2.1); undefined when there was nothing to sync. */
  async syncParent(ref: ObjectRef): Promise<SyncRecord | undefined> {
    return this.loopOf(ref.kind).syncParent(ref);
  }
}

/** One CompositeController: its parents, their children and its hooks. */
class CompositeLoop {
  readonly parentKind: string;
  private readonly parents = new Map<string, ParentState>();
  private readonly lastApplied = new Map<string, KubeObject>();
  private readonly customizeCache = new Map<string, JsonObject[]>();
  private readonly store: ApiStore;
  private readonly clock: SimClock;
  private readonly cc: CompositeController;
  private readonly statusSchema: JsonObject | undefined;
  private readonly shared: Shared;

  constructor(cc: CompositeController, shared: Shared) {
    this.shared = shared;
    this.store = shared.o.store;
    this.clock = shared.o.clock;
    this.cc = cc;
    this.parentKind = resourceInfo(this.cc.spec.parentResource.resource).kind;
    const [group, version] = this.cc.spec.parentResource.apiVersion.split('/');
    const crd = loadCrds().find((c) => c.group === group && c.kind === this.parentKind);
    const schema = crd?.schemas[version ?? ''];
    const props = schema?.['properties'] as Record<string, JsonObject> | undefined;
    this.statusSchema = props?.['status'];
  }

  get finalizerName(): string {
    return `metacontroller.io/compositecontroller-${this.cc.metadata.name}`;
  }

  async syncDue(o: { force?: boolean }): Promise<number> {
    let n = 0;
    for (const parent of this.store.list(this.parentKind)) {
      if (!o.force && !this.due(parent)) continue;
      await this.syncParent(refOf(parent));
      n++;
    }
    return n;
  }

  private due(parent: KubeObject): boolean {
    const s = this.parents.get(parent.metadata.uid ?? '');
    if (!s || s.failed) return true;
    const now = this.clock.now;
    const period = this.cc.spec.resyncPeriodSeconds ?? 0;
    return (
      this.store.revision !== s.inputsAt ||
      (period > 0 && now >= s.lastSyncAt + Math.max(1, period)) ||
      (s.resyncAt !== undefined && now >= s.resyncAt)
    );
  }

  async syncParent(ref: ObjectRef): Promise<SyncRecord | undefined> {
    let parent = this.store.get(ref);
    if (!parent) return undefined;
    const uid = parent.metadata.uid ?? '';
    const state: ParentState = { inputsAt: this.store.revision, lastSyncAt: this.clock.now, failed: false };
    this.parents.set(uid, state);
    const deleting = parent.metadata.deletionTimestamp !== undefined;
    const finalizers = parent.metadata.finalizers ?? [];
    if (deleting && !finalizers.includes(this.finalizerName)) return undefined;
    if (!deleting && this.cc.spec.hooks.finalize && !finalizers.includes(this.finalizerName)) {
      parent.metadata.finalizers = [...finalizers, this.finalizerName];
      parent = this.store.update(parent, METACONTROLLER);
    }
    const generation = parent.metadata.generation;
    const children = this.claim(parent, deleting);
    const record = this.newRecord(parent, deleting, children);
    const related = await this.related(parent);
    if (typeof related === 'string') return this.fail(state, record, related);
    record.pods = observedPods(related);
    const hook = deleting ? 'finalize' : 'sync';
    const answer = await this.call(this.cc.spec.hooks[hook] ?? this.cc.spec.hooks.sync, {
      controller: this.cc,
      parent,
      children: this.childMap(children),
      related,
      finalizing: deleting,
    });
    record.httpStatus = answer.status;
    const response = decodeResponse(answer);
    if (typeof response === 'string') return this.fail(state, record, response);
    describeResponse(record, response);
    this.trace(`sync ${this.parentKind} ${record.parent} (${hook}) → 200 ${summary(response.status)}`);
    if (response.resyncAfterSeconds !== undefined && response.resyncAfterSeconds > 0) {
      state.resyncAt = this.clock.now + response.resyncAfterSeconds;
    }
    if (response.finalized === true) this.removeFinalizer(ref);
    const desired = this.labelled(parent, response.children);
    if (typeof desired === 'string') return this.fail(state, record, desired);
    if (this.store.get(ref)) {
      this.manageChildren({ parent, deleting, observed: children, desired });
      this.writeStatus(ref, { ...response.status, observedGeneration: generation });
    }
    return record;
  }

  private newRecord(parent: KubeObject, deleting: boolean, children: KubeObject[]): SyncRecord {
    const record: SyncRecord = {
      seq: this.shared.nextSeq(),
      at: this.clock.now,
      controller: this.cc.metadata.name,
      parent: `${parent.metadata.namespace ?? ''}/${parent.metadata.name}`,
      parentUid: parent.metadata.uid ?? '',
      hook: deleting ? 'finalize' : 'sync',
      httpStatus: 0,
      pods: [],
      observedChildren: children.map((c) => `${c.kind}/${c.metadata.name}`).sort(),
    };
    const sts = children.find((c) => c.kind === 'StatefulSet');
    const replicas = (sts?.['spec'] as { replicas?: unknown } | undefined)?.replicas;
    if (typeof replicas === 'number') record.observedReplicas = replicas;
    const history = this.shared.history;
    history.push(record);
    if (history.length > 400) history.splice(0, history.length - 400);
    return record;
  }

  private fail(state: ParentState, record: SyncRecord, error: string): SyncRecord {
    state.failed = true;
    record.error = error;
    this.shared.errors.push(`SyncError ${record.parent}: ${error}`);
    this.trace(`sync ${this.parentKind} ${record.parent} (${record.hook}) FAILED, nothing changed: ${error}`);
    return record;
  }

  private trace(line: string): void {
    this.shared.o.trace?.(`metacontroller: ${line}`);
  }

  private async call(hook: HookSpec, body: unknown): Promise<HookAnswer> {
    const injected = this.shared.failures.shift();
    if (injected) return injected;
    const url = hook.webhook?.url;
    if (url === undefined) throw new Error('hook without webhook.url');
    return this.shared.o.hooks.post(new URL(url).pathname, body);
  }

  private get selectorOf(): (parent: KubeObject) => Selector {
    return (parent) =>
      this.cc.spec.generateSelector === true
        ? { matchLabels: { 'controller-uid': parent.metadata.uid ?? '' } }
        : ((parent['spec'] as { selector?: Selector } | undefined)?.selector ?? {});
  }

  /** §2.8: owned and matching → kept; orphan and matching → adopted; owned, not matching → released. */
  private claim(parent: KubeObject, deleting: boolean): KubeObject[] {
    const uid = parent.metadata.uid ?? '';
    const selector = this.selectorOf(parent);
    const out: KubeObject[] = [];
    for (const rule of this.cc.spec.childResources) {
      const { kind } = resourceInfo(rule.resource);
      for (const obj of this.store.list(kind, parent.metadata.namespace ?? '')) {
        const owner = (obj.metadata.ownerReferences ?? []).find((r) => r.controller === true);
        const match = matches(selector, obj.metadata.labels);
        if (owner?.uid === uid) {
          if (match || deleting) out.push(obj);
          else this.release(obj, uid);
        } else if (!owner && match && !deleting) {
          out.push(this.adopt(obj, parent));
        }
      }
    }
    return out;
  }

  private release(obj: KubeObject, uid: string): void {
    obj.metadata.ownerReferences = (obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
    this.store.update(obj, METACONTROLLER);
    this.trace(`released ${obj.kind}/${obj.metadata.name}`);
  }

  private adopt(obj: KubeObject, parent: KubeObject): KubeObject {
    obj.metadata.ownerReferences = [...(obj.metadata.ownerReferences ?? []), ownerRef(parent)];
    this.trace(`adopted orphan ${obj.kind}/${obj.metadata.name}`);
    return this.store.update(obj, METACONTROLLER);
  }

  private get keyVersion(): string {
    return this.cc.spec.hooks.sync.version ?? 'v1';
  }

  private objectKey(obj: KubeObject): string {
    const ns = obj.metadata.namespace;
    if (this.keyVersion === 'v2' && ns !== undefined && !CLUSTER_SCOPED.has(obj.kind)) {
      return `${ns}/${obj.metadata.name}`;
    }
    return obj.metadata.name;
  }

  /** One entry per declared child type, even when empty, keyed `<Kind>.<apiVersion>`. */
  private childMap(children: KubeObject[]): ObjectMap {
    const map: ObjectMap = {};
    for (const rule of this.cc.spec.childResources) {
      const { kind } = resourceInfo(rule.resource);
      map[`${kind}.${rule.apiVersion}`] = Object.fromEntries(
        children.filter((c) => c.kind === kind).map((c) => [this.objectKey(c), c]),
      );
    }
    return map;
  }

  /** §4: rules from the customize hook (cached per uid + generation), evaluated against the store. */
  private async related(parent: KubeObject): Promise<ObjectMap | string> {
    const hook = this.cc.spec.hooks.customize;
    if (!hook) return {};
    const key = `${parent.metadata.uid ?? ''}/${parent.metadata.generation ?? 0}`;
    let rules = this.customizeCache.get(key);
    if (!rules) {
      const answer = await this.call(hook, { controller: this.cc, parent });
      const body = answer.body as { relatedResources?: unknown } | undefined;
      if (answer.status !== 200 || !Array.isArray(body?.relatedResources)) {
        return `customize answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 200)}`;
      }
      rules = body.relatedResources as JsonObject[];
      this.customizeCache.set(key, rules);
    }
    const map: ObjectMap = {};
    for (const rule of rules) {
      const { kind } = resourceInfo(String(rule['resource']));
      const inner = (map[`${kind}.${String(rule['apiVersion'])}`] ??= {});
      for (const obj of this.relatedObjects(kind, rule)) inner[this.objectKey(obj)] = obj;
    }
    return map;
  }

  private relatedObjects(kind: string, rule: JsonObject): KubeObject[] {
    const ns = typeof rule['namespace'] === 'string' ? rule['namespace'] : undefined;
    const names = Array.isArray(rule['names']) ? (rule['names'] as string[]) : undefined;
    const selector = rule['labelSelector'] as Selector | undefined;
    return this.store
      .list(kind, CLUSTER_SCOPED.has(kind) ? undefined : ns)
      .filter((o) => (names ? names.includes(o.metadata.name) : matches(selector ?? {}, o.metadata.labels)));
  }

  private removeFinalizer(ref: ObjectRef): void {
    const parent = this.store.get(ref);
    if (!parent) return;
    parent.metadata.finalizers = (parent.metadata.finalizers ?? []).filter((f) => f !== this.finalizerName);
    this.store.update(parent, METACONTROLLER);
    this.trace(`removed finalizer of ${ref.namespace}/${ref.name}`);
  }

  /** §2.1 step 8: the selector label is added, then every child must match or nothing happens. */
  private labelled(parent: KubeObject, children: KubeObject[]): KubeObject[] | string {
    const selector = this.selectorOf(parent);
    const out: KubeObject[] = [];
    for (const raw of children) {
      const child = clone(raw);
      child.metadata.namespace ??= parent.metadata.namespace ?? '';
      if (this.cc.spec.generateSelector === true) {
        child.metadata.labels = { 'controller-uid': parent.metadata.uid ?? '', ...child.metadata.labels };
      }
      if (!matches(selector, child.metadata.labels)) {
        return `${child.kind}/${child.metadata.name}: labels do not match the parent's selector`;
      }
      out.push(child);
    }
    return out;
  }

  private manageChildren(o: {
    parent: KubeObject;
    deleting: boolean;
    observed: KubeObject[];
    desired: KubeObject[];
  }): void {
    const id = (c: KubeObject): string => `${c.kind}|${c.metadata.namespace ?? ''}|${c.metadata.name}`;
    const wanted = new Set(o.desired.map(id));
    for (const child of o.observed) {
      if (wanted.has(id(child)) || child.metadata.deletionTimestamp !== undefined) continue;
      this.apiCall(() => {
        this.store.delete(refOf(child), { actor: METACONTROLLER, uid: child.metadata.uid ?? '' });
      });
      this.trace(`deleted omitted child ${child.kind}/${child.metadata.name}`);
    }
    const byId = new Map(o.observed.map((c) => [id(c), c]));
    for (const child of o.desired) this.apply(o.parent, child, byId.get(id(child)));
  }

  private ruleOf(child: KubeObject): ChildRule | undefined {
    return this.cc.spec.childResources.find(
      (r) => r.apiVersion === child.apiVersion && resourceInfo(r.resource).kind === child.kind,
    );
  }

  private apply(parent: KubeObject, desired: KubeObject, observed: KubeObject | undefined): void {
    const rule = this.ruleOf(desired);
    if (!rule)
      this.shared.problems.push(
        `undeclared child type ${desired.kind}.${desired.apiVersion}: created, never observed`,
      );
    if (desired.metadata.namespace !== parent.metadata.namespace) {
      this.shared.problems.push(
        `child ${desired.kind}/${desired.metadata.name} outside the parent's namespace`,
      );
    }
    if (observed?.metadata.deletionTimestamp !== undefined) return;
    if (!observed) {
      this.create(parent, desired);
      return;
    }
    const method = rule?.updateStrategy?.method ?? 'OnDelete';
    const merged = threeWayMerge(
      observed,
      this.lastApplied.get(observed.metadata.uid ?? ''),
      desired,
    ) as KubeObject;
    merged.metadata = { ...merged.metadata, ownerReferences: observed.metadata.ownerReferences ?? [] };
    if (!this.apiCall(() => this.store.wouldChange(merged))) return;
    switch (method) {
      case 'OnDelete':
        return;
      case 'InPlace':
        this.apiCall(() => {
          this.store.update(merged, METACONTROLLER);
          this.lastApplied.set(observed.metadata.uid ?? '', clone(desired));
        });
        return;
      case 'Recreate':
        this.apiCall(() => {
          this.store.delete(refOf(observed), { actor: METACONTROLLER, uid: observed.metadata.uid ?? '' });
        });
        return;
      default:
        this.shared.problems.push(
          `update strategy ${method} is not emulated (rolling strategies are not for databases)`,
        );
    }
  }

  private create(parent: KubeObject, desired: KubeObject): void {
    const ref = refOf(desired);
    if (this.store.get(ref)) {
      // Dynamic apply: Create fails with AlreadyExists, is swallowed, and the object stays unobserved.
      this.shared.problems.push(
        `${ref.kind}/${ref.name} exists but is not this parent's child: AlreadyExists`,
      );
      return;
    }
    const obj = clone(desired);
    obj.metadata.ownerReferences = [ownerRef(parent)];
    this.apiCall(() => {
      const created = this.store.create(obj, METACONTROLLER);
      this.lastApplied.set(created.metadata.uid ?? '', clone(desired));
    });
  }

  /** Per-object API errors are collected (SyncError) and the sync goes on, as in §2.1 step 9. */
  private apiCall<T>(fn: () => T): T | false {
    try {
      return fn();
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      this.shared.errors.push(`SyncError: ${err.message}`);
      this.trace(`API error: ${err.message}`);
      return false;
    }
  }

  /** §2.5: the whole status is replaced; the API server prunes and validates it against the CRD. */
  private writeStatus(ref: ObjectRef, status: JsonObject): void {
    const live = this.store.get(ref);
    if (!live || deepEqual(live['status'], status)) return;
    const checked = structural(status, this.statusSchema, 'status');
    if (checked.errors.length > 0) {
      this.shared.problems.push(`status write rejected by the CRD schema: ${checked.errors.join('; ')}`);
      this.shared.errors.push(`status write rejected: ${checked.errors.join('; ')}`);
      return;
    }
    for (const p of checked.pruned) {
      const line = `${p} is not in the CRD's status schema: the API server drops it on every write`;
      if (!this.shared.problems.includes(line)) this.shared.problems.push(line);
    }
    this.store.updateStatus({ ...live, status: checked.value }, METACONTROLLER);
  }
}

interface DecodedResponse {
  status: JsonObject;
  children: KubeObject[];
  resyncAfterSeconds?: number;
  finalized?: boolean;
}

const RESPONSE_KEYS = new Set(['status', 'children', 'resyncAfterSeconds', 'finalized']);

/** Only a 200 with a body v2 strict decoding accepts counts; anything else is a failed call. */
function decodeResponse(answer: HookAnswer): DecodedResponse | string {
  if (answer.status !== 200)
    return `hook answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`;
  const body = answer.body;
  if (!isObject(body)) return 'hook answered 200 without a JSON object';
  const unknown = Object.keys(body).filter((k) => !RESPONSE_KEYS.has(k));
  if (unknown.length > 0) return `strict decoding: unknown response keys ${unknown.join(', ')}`;
  const children = body['children'] ?? [];
  if (!Array.isArray(children)) return 'children is not a list';
  for (const c of children as unknown[]) {
    const meta = isObject(c) ? c['metadata'] : undefined;
    if (
      !isObject(c) ||
      typeof c['apiVersion'] !== 'string' ||
      typeof c['kind'] !== 'string' ||
      !isObject(meta)
    ) {
      return 'a child lacks apiVersion, kind or metadata';
    }
  }
  const status = body['status'] ?? {};
  if (!isObject(status)) return 'status is not an object';
  const resync = body['resyncAfterSeconds'];
  return {
    status,
    children: children as KubeObject[],
    ...(typeof resync === 'number' ? { resyncAfterSeconds: resync } : {}),
    ...(typeof body['finalized'] === 'boolean' ? { finalized: body['finalized'] } : {}),
  };
}

function describeResponse(record: SyncRecord, r: DecodedResponse): void {
  record.status = r.status;
  record.desiredChildren = r.children.map((c) => `${c.kind}/${c.metadata.name}`).sort();
  if (r.finalized !== undefined) record.finalized = r.finalized;
  if (r.resyncAfterSeconds !== undefined) record.resyncAfterSeconds = r.resyncAfterSeconds;
}

function observedPods(related: ObjectMap): ObservedPod[] {
  const pods = Object.entries(related)
    .filter(([type]) => type.startsWith('Pod.'))
    .flatMap(([, inner]) => Object.values(inner));
  return pods.map((p) => ({
    name: p.metadata.name,
    role: p.metadata.labels?.['spilo-role'],
    ready: (
      (p['status'] as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []
    ).some((c) => c.type === 'Ready' && c.status === 'True'),
    terminating: p.metadata.deletionTimestamp !== undefined,
  }));
}

function summary(status: JsonObject): string {
  const phase = typeof status['phase'] === 'string' ? status['phase'] : '-';
  const primary = typeof status['primary'] === 'string' ? ` primary=${status['primary']}` : '';
  return `phase=${phase}${primary}`;
}

export function ownerRef(parent: KubeObject): NonNullable<KubeObject['metadata']['ownerReferences']>[number] {
  return {
    apiVersion: parent.apiVersion,
    kind: parent.kind,
    name: parent.metadata.name,
    uid: parent.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

export function refOf(o: KubeObject): ObjectRef {
  return {
    kind: o.kind,
    namespace: CLUSTER_SCOPED.has(o.kind) ? '' : (o.metadata.namespace ?? ''),
    name: o.metadata.name,
  };
}

/**
 * The garbage collector: an object all of whose owners are gone is deleted (background
 * propagation, so its own dependents follow on a later pass).
 */
export function collectGarbage(store: ApiStore): number {
  let n = 0;
  for (const obj of store.all()) {
    const owners = obj.metadata.ownerReferences ?? [];
    if (owners.length === 0 || obj.metadata.deletionTimestamp !== undefined) continue;
    if (owners.some((r) => store.hasUid(r.uid))) continue;
    store.delete(refOf(obj), { actor: 'garbage-collector' });
    n++;
  }
  return n;
}
