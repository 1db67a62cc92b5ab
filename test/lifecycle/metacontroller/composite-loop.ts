/**
 * One CompositeController of the Metacontroller emulator (../emulator.ts): which parents are due,
 * and one sync of one parent in the order of §2.1 (finalizer, claim, customize, the sync or finalize
 * call, resync, status). Its children are claimed and written by ChildManager (children.ts).
 */
import type { KubeObject } from '../../../hooks/lib/k8s';
import type { SimClock } from '../lib/clock';
import { loadCrds, structural } from '../lib/crd';
import type { HookAnswer } from '../lib/hook-server';
import { deepEqual, type JsonObject } from '../lib/json';
import { resourceInfo } from '../lib/resources';
import { CLUSTER_SCOPED, type ApiStore, type ObjectRef } from '../lib/store';
import { ChildManager } from './children';
import { CUSTOMIZE_TTL_SECONDS, decodeCustomize, ruleSelects } from './customize';
import {
  METACONTROLLER,
  type CompositeController,
  type HookSpec,
  type ObjectMap,
  type ParentState,
  type Shared,
  type SyncRecord,
} from './model';
import { shouldFinalize } from './gc';
import { refOf } from './objects';
import { ParentQueue, type TriggerSource } from './triggers';
import { decodeResponse, describeResponse, observedPods, summary } from './response';

/** One CompositeController: its parents, their children and its hooks. */
export class CompositeLoop {
  readonly parentKind: string;
  private readonly parents = new Map<string, ParentState>();
  private readonly customizeCache = new Map<string, { rules: JsonObject[]; at: number }>();
  private readonly store: ApiStore;
  private readonly clock: SimClock;
  private readonly cc: CompositeController;
  private readonly statusSchema: JsonObject | undefined;
  private readonly shared: Shared;
  private readonly children: ChildManager;
  private readonly queue: ParentQueue;

  constructor(cc: CompositeController, shared: Shared) {
    this.shared = shared;
    this.store = shared.o.store;
    this.clock = shared.o.clock;
    this.cc = cc;
    this.children = new ChildManager(cc, shared);
    this.parentKind = resourceInfo(this.cc.spec.parentResource.resource).kind;
    const [group, version] = this.cc.spec.parentResource.apiVersion.split('/');
    const crd = loadCrds().find((c) => c.group === group && c.kind === this.parentKind);
    const schema = crd?.schemas[version ?? ''];
    const props = schema?.['properties'] as Record<string, JsonObject> | undefined;
    this.statusSchema = props?.['status'];
    this.queue = new ParentQueue(this.triggerSource(), shared.informers, this.clock);
  }

  private triggerSource(): TriggerSource {
    const spec = this.cc.spec;
    return {
      parentKind: this.parentKind,
      childKinds: new Set(spec.childResources.map((r) => resourceInfo(r.resource).kind)),
      ignoreStatusChanges: spec.parentResource.ignoreStatusChanges === true,
      resyncPeriodSeconds: spec.resyncPeriodSeconds,
      selectorOf: this.children.selectorOf,
      rulesOf: (p) => this.customizeCache.get(`${p.metadata.uid ?? ''}/${p.metadata.generation ?? 0}`)?.rules,
    };
  }

  get finalizerName(): string {
    return `metacontroller.io/compositecontroller-${this.cc.metadata.name}`;
  }

  async syncDue(o: { force?: boolean }): Promise<number> {
    let n = 0;
    this.shared.informers.deliver();
    this.queue.tick();
    for (const parent of this.store.list(this.parentKind)) {
      // Events of earlier syncs in this pass reach the handlers before the next parent is looked at.
      this.shared.informers.deliver();
      if (!o.force && !this.due(parent)) continue;
      await this.syncParent(refOf(parent));
      n++;
    }
    return n;
  }

  private due(parent: KubeObject): boolean {
    const s = this.parents.get(parent.metadata.uid ?? '');
    if (!s || s.failed) return true;
    // triggers.ts: queued by an event or the resync period; controller.go syncParentObject: the
    // `resyncAfterSeconds` of the last answer (queue.AddAfter).
    return (
      this.queue.has(parent.metadata.uid ?? '') || (s.resyncAt !== undefined && this.clock.now >= s.resyncAt)
    );
  }

  async syncParent(ref: ObjectRef): Promise<SyncRecord | undefined> {
    this.shared.informers.deliver();
    let parent = this.store.get(ref);
    if (!parent) return undefined;
    const uid = parent.metadata.uid ?? '';
    this.queue.take(uid);
    const state: ParentState = { lastSyncAt: this.clock.now, failed: false };
    this.parents.set(uid, state);
    const deleting = parent.metadata.deletionTimestamp !== undefined;
    const finalizers = parent.metadata.finalizers ?? [];
    if (!deleting && this.cc.spec.hooks.finalize && !finalizers.includes(this.finalizerName)) {
      parent.metadata.finalizers = [...finalizers, this.finalizerName];
      parent = this.store.update(parent, METACONTROLLER);
    }
    const generation = parent.metadata.generation;
    const children = this.children.claim(parent, deleting, this.shared.informers.view);
    const record = this.newRecord(parent, deleting, children);
    const related = await this.related(parent);
    if (typeof related === 'string') return this.fail(state, record, related);
    record.pods = observedPods(related);
    // hooks.go determineHookToCall: finalize whenever the parent is being deleted (even once the
    // finalizer is gone, while other finalizers keep it), sync when there is no finalize hook.
    const finalizing = deleting && this.cc.spec.hooks.finalize !== undefined;
    const hook = finalizing ? 'finalize' : 'sync';
    const answer = await this.call(this.cc.spec.hooks[hook] ?? this.cc.spec.hooks.sync, {
      controller: this.cc,
      parent,
      children: this.childMap(children),
      related,
      finalizing,
    });
    record.httpStatus = answer.status;
    const response = decodeResponse(answer);
    if (typeof response === 'string') return this.fail(state, record, response);
    describeResponse(record, response);
    this.trace(`sync ${this.parentKind} ${record.parent} (${hook}) → 200 ${summary(response.status)}`);
    if (response.resyncAfterSeconds !== undefined && response.resyncAfterSeconds > 0) {
      state.resyncAt = this.clock.now + response.resyncAfterSeconds;
    }
    const after = response.finalized === true ? this.removeFinalizer(ref, parent) : parent;
    const desired = this.children.labelled(parent, response.children);
    if (typeof desired === 'string') return this.fail(state, record, desired);
    // controller.go syncParentObject: children of a parent being deleted are managed only if
    // finalizer.go ShouldFinalize (our finalizer on, no GC finalizer: gc.ts).
    if (deleting && !shouldFinalize(after, this.finalizerName)) {
      const left = (after.metadata.finalizers ?? []).join(', ');
      this.trace(`${record.parent} is being deleted: children not managed (finalizers: ${left})`);
    } else if (this.store.get(ref)) {
      this.children.manageChildren({ parent, deleting, observed: children, desired });
    }
    if (this.store.get(ref)) this.writeStatus(ref, { ...response.status, observedGeneration: generation });
    return record;
  }

  private newRecord(parent: KubeObject, deleting: boolean, children: KubeObject[]): SyncRecord {
    const finalizing = deleting && this.cc.spec.hooks.finalize !== undefined;
    const record: SyncRecord = {
      seq: this.shared.nextSeq(),
      at: this.clock.now,
      controller: this.cc.metadata.name,
      parent: `${parent.metadata.namespace ?? ''}/${parent.metadata.name}`,
      parentUid: parent.metadata.uid ?? '',
      hook: finalizing ? 'finalize' : 'sync',
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
    // customize.ts: cached per uid + generation for 20 minutes, decoded strictly in v2.
    const key = `${parent.metadata.uid ?? ''}/${parent.metadata.generation ?? 0}`;
    const cached = this.customizeCache.get(key);
    let rules = cached && cached.at + CUSTOMIZE_TTL_SECONDS > this.clock.now ? cached.rules : undefined;
    if (!rules) {
      const answer = await this.call(hook, { controller: this.cc, parent });
      const decoded = decodeCustomize(answer, hook.version);
      if (typeof decoded === 'string') return decoded;
      rules = decoded;
      this.customizeCache.set(key, { rules, at: this.clock.now });
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
    return this.shared.informers.view
      .list(kind, CLUSTER_SCOPED.has(kind) ? undefined : ns)
      .filter((o) => ruleSelects(rule, o));
  }

  /** The parent as the finalizer's removal left it (the request's copy without it, if it went away). */
  private removeFinalizer(ref: ObjectRef, seen: KubeObject): KubeObject {
    const without = (o: KubeObject): KubeObject => ({
      ...o,
      metadata: {
        ...o.metadata,
        finalizers: (o.metadata.finalizers ?? []).filter((f) => f !== this.finalizerName),
      },
    });
    const parent = this.store.get(ref);
    if (!parent) return without(seen);
    const updated = this.store.update(without(parent), METACONTROLLER);
    this.trace(`removed finalizer of ${ref.namespace}/${ref.name}`);
    return updated;
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
