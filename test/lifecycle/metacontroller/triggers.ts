/**
 * What makes a parent due in the Metacontroller emulator, and the informer caches its syncs read.
 * Upstream (v4.17.2) a parent is synced when its key is taken from the controller's work queue, and
 * only these put it there (UPSTREAM.md, "Triggers and informer caches"):
 *  - an event of the parent itself (controller.go `enqueueParentObject`, `updateParentObject`, which
 *    drops status-only updates when `parentResource.ignoreStatusChanges` is set);
 *  - an event of a child: the parent its controller reference names, or for an orphan every parent
 *    whose selector matches it (controller.go `onChildAdd`, `onChildUpdate`, `onChildDelete`,
 *    `resolveControllerRef`, `findPotentialParents`);
 *  - an event of an object a parent's customize rules select, before or after the change
 *    (customize/manager.go `onRelatedAdd`, `onRelatedUpdate`, `onRelatedDelete`, `findRelatedParents`);
 *  - the parent informer's resync every `resyncPeriodSeconds` (at least 1 s), for every parent
 *    (controller.go `Start`, `AddEventHandlerWithResyncPeriod`); `resyncAfterSeconds` and a failed
 *    sync's requeue are kept by the loop (composite-loop.ts).
 * The queue holds a key once however many events arrive (client-go workqueue dedup).
 * Events reach the handlers, and the caches syncs read children and related objects from, after
 * `informerLagSeconds` (0: at once, reads come straight from the store).
 */
import type { KubeObject } from '../../../hooks/lib/k8s';
import type { SimClock } from '../lib/clock';
import { deepEqual, type JsonObject } from '../lib/json';
import { resourceInfo } from '../lib/resources';
import { matches, type Selector } from '../lib/selectors';
import { CLUSTER_SCOPED, type ApiStore, type ChangeRecord } from '../lib/store';
import { ruleSelects } from './customize';

/** One watch event: the object after the change (its last state for a delete) and before it. */
export interface WatchEvent {
  change: ChangeRecord;
  obj: KubeObject;
  old: KubeObject | undefined;
}

/** What a sync lists children and related objects from: the store, or a lagging informer cache. */
export interface ObjectView {
  list(kind: string, namespace?: string): KubeObject[];
}

const keyOf = (o: KubeObject): string =>
  `${o.kind}|${CLUSTER_SCOPED.has(o.kind) ? '' : (o.metadata.namespace ?? '')}|${o.metadata.name}`;

/** The shared informers of one Metacontroller: events delivered `lagSeconds` after they happen. */
export class Informers implements ObjectView {
  private readonly pending: WatchEvent[] = [];
  private readonly cache = new Map<string, KubeObject>();
  private readonly handlers: ((e: WatchEvent) => void)[] = [];
  private readonly clock: SimClock;
  private readonly store: ApiStore;
  readonly lagSeconds: number;

  constructor(store: ApiStore, clock: SimClock, lagSeconds: number) {
    this.store = store;
    this.clock = clock;
    this.lagSeconds = lagSeconds;
    // The initial list: what exists when the informers start is in the cache at once.
    for (const o of store.all()) this.cache.set(keyOf(o), o);
    store.watchers.push((change, obj, old) => this.pending.push({ change, obj, old }));
  }

  subscribe(handler: (e: WatchEvent) => void): void {
    this.handlers.push(handler);
  }

  /** Delivers every event at least `lagSeconds` old to the cache and the handlers, in order. */
  deliver(): void {
    const cutoff = this.clock.now - this.lagSeconds;
    while (this.pending.length > 0 && (this.pending[0]?.change.at ?? Infinity) <= cutoff) {
      const e = this.pending.shift()!;
      if (e.change.verb === 'delete') this.cache.delete(keyOf(e.obj));
      else this.cache.set(keyOf(e.obj), e.obj);
      for (const h of this.handlers) h(e);
    }
  }

  /** Where syncs read children and related objects: the store itself when there is no lag. */
  get view(): ObjectView {
    return this.lagSeconds > 0 ? this : this.store;
  }

  list(kind: string, namespace?: string): KubeObject[] {
    return [...this.cache.values()]
      .filter(
        (o) => o.kind === kind && (namespace === undefined || (o.metadata.namespace ?? '') === namespace),
      )
      .sort((a, b) => keyOf(a).localeCompare(keyOf(b)))
      .map((o) => structuredClone(o));
  }
}

/** How one controller's triggers see the controller (kept small to stay free of composite-loop.ts). */
export interface TriggerSource {
  parentKind: string;
  childKinds: ReadonlySet<string>;
  ignoreStatusChanges: boolean;
  resyncPeriodSeconds: number | undefined;
  selectorOf(parent: KubeObject): Selector;
  /** The customize rules last answered for this parent, if any. */
  rulesOf(parent: KubeObject): JsonObject[] | undefined;
}

/** Whether a customize rule selects `obj` (the same test the related lists use). */
export function relatedRuleMatches(rule: JsonObject, obj: KubeObject): boolean {
  if (resourceInfo(String(rule['resource'])).kind !== obj.kind) return false;
  const ns = typeof rule['namespace'] === 'string' ? rule['namespace'] : undefined;
  if (ns !== undefined && !CLUSTER_SCOPED.has(obj.kind) && obj.metadata.namespace !== ns) return false;
  return ruleSelects(rule, obj);
}

/** One controller's work queue: the uids of its parents that are due. */
export class ParentQueue {
  private readonly queued = new Set<string>();
  private readonly src: TriggerSource;
  private readonly view: ObjectView;
  private readonly clock: SimClock;
  private nextTick: number;

  constructor(src: TriggerSource, informers: Informers, clock: SimClock) {
    this.src = src;
    this.view = informers.view;
    this.clock = clock;
    this.nextTick = clock.now + this.period;
    informers.subscribe((e) => {
      this.onEvent(e);
    });
  }

  private get period(): number {
    const p = this.src.resyncPeriodSeconds;
    return p !== undefined && p > 0 ? Math.max(1, p) : 0;
  }

  has(uid: string): boolean {
    return this.queued.has(uid);
  }

  /** The key leaves the queue when a worker takes it; events during the sync add it again. */
  take(uid: string): void {
    this.queued.delete(uid);
  }

  /** The parent informer's resync: every parent, each `resyncPeriodSeconds` since the start. */
  tick(): void {
    const period = this.period;
    if (period === 0 || this.clock.now < this.nextTick) return;
    for (const p of this.parents()) this.queued.add(p.metadata.uid ?? '');
    this.nextTick += Math.floor((this.clock.now - this.nextTick) / period + 1) * period;
  }

  private parents(namespace?: string): KubeObject[] {
    return this.view.list(this.src.parentKind, namespace);
  }

  private onEvent(e: WatchEvent): void {
    if (e.obj.kind === this.src.parentKind) this.onParent(e);
    if (this.src.childKinds.has(e.obj.kind)) this.onChild(e);
    this.onRelated(e);
  }

  /** controller.go updateParentObject: with ignoreStatusChanges only generation, labels, annotations or a deletionTimestamp count. */
  private onParent(e: WatchEvent): void {
    const { obj, old } = e;
    if (this.src.ignoreStatusChanges && old !== undefined && e.change.verb !== 'delete') {
      const same =
        old.metadata.generation === obj.metadata.generation &&
        deepEqual(old.metadata.labels, obj.metadata.labels) &&
        deepEqual(old.metadata.annotations, obj.metadata.annotations) &&
        obj.metadata.deletionTimestamp === undefined;
      if (same) return;
    }
    this.queued.add(obj.metadata.uid ?? '');
  }

  /** onChildAdd/Update/Delete: the controller reference's parent; an orphan wakes every parent whose selector matches it. */
  private onChild(e: WatchEvent): void {
    const child = e.obj;
    const ns = child.metadata.namespace ?? '';
    const ref = (child.metadata.ownerReferences ?? []).find((r) => r.controller === true);
    if (ref) {
      if (ref.kind !== this.src.parentKind) return;
      const parent = this.parents(ns).find((p) => p.metadata.name === ref.name);
      if (parent?.metadata.uid === ref.uid) this.queued.add(ref.uid);
      return;
    }
    // An orphan that is deleted or being deleted is never adopted: no parent is woken.
    if (e.change.verb === 'delete' || child.metadata.deletionTimestamp !== undefined) return;
    for (const p of this.parents(ns)) {
      const selector = this.src.selectorOf(p);
      const empty =
        Object.keys(selector.matchLabels ?? {}).length === 0 &&
        (selector.matchExpressions ?? []).length === 0;
      if (!empty && matches(selector, child.metadata.labels)) this.queued.add(p.metadata.uid ?? '');
    }
  }

  /** manager.go findRelatedParents: every parent one of whose rules selects the old or the new object. */
  private onRelated(e: WatchEvent): void {
    const objs = e.old !== undefined && e.change.verb !== 'delete' ? [e.old, e.obj] : [e.obj];
    for (const p of this.parents()) {
      const rules = this.src.rulesOf(p) ?? [];
      if (rules.some((r) => objs.some((o) => relatedRuleMatches(r, o))))
        this.queued.add(p.metadata.uid ?? '');
    }
  }
}
