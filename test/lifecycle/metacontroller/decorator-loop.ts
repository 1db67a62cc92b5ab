/**
 * One DecoratorController of the Metacontroller emulator (../emulator.ts), after Metacontroller
 * v4.17.2 pkg/controller/decorator/controller.go (`syncParentObject`, `getChildren`,
 * `updateParentObject`): parents of `resources[]` (no selector modeled: pgmeta's components set
 * none), attachments observed by controller reference plus the decorator's annotation (never
 * adopted), written by the shared server-side applier with the parent's controller reference, the
 * answer's labels/annotations merged and its status replacing the parent's unless null. Each
 * behaviour and its upstream function: UPSTREAM.md, "Decorators and ETags".
 */
import type { KubeObject } from '../../../hooks/lib/k8s';
import type { HookAnswer } from '../lib/hook-server';
import type { JsonObject } from '../lib/json';
import { resourceInfo } from '../lib/resources';
import { ApiError, type ObjectRef } from '../lib/store';
import { CUSTOMIZE_TTL_SECONDS, decodeCustomize, ruleSelects } from './customize';
import {
  attachmentMap,
  decodeDecoratorAnswer,
  desiredParent,
  type DecoratorAnswer,
} from './decorator-response';
import { shouldFinalize } from './gc';
import {
  METACONTROLLER,
  type DecoratorController,
  type HookSpec,
  type ObjectMap,
  type Shared,
} from './model';
import { refOf } from './objects';

export const DECORATOR_ANNOTATION = 'metacontroller.k8s.io/decorator-controller';

interface DecoratorParentState {
  /** What made the parent due last time (see `fingerprint`). */
  seen: string;
  lastSyncAt: number;
  resyncAt?: number;
  failed: boolean;
  rules: JsonObject[];
}

/** What one decorator sync did, for assertions. */
export interface DecoratorRecord {
  controller: string;
  parent: string;
  at: number;
  error?: string;
  attachments?: string[];
  statusWritten: boolean;
}

export class DecoratorLoop {
  readonly parentKind: string;
  readonly records: DecoratorRecord[] = [];
  private readonly dc: DecoratorController;
  private readonly shared: Shared;
  private readonly parents = new Map<string, DecoratorParentState>();
  private readonly customizeCache = new Map<string, { rules: JsonObject[]; at: number }>();

  constructor(dc: DecoratorController, shared: Shared) {
    this.dc = dc;
    this.shared = shared;
    const first = dc.spec.resources[0];
    if (!first) throw new Error(`DecoratorController ${dc.metadata.name} without resources`);
    this.parentKind = resourceInfo(first.resource).kind;
  }

  get finalizerName(): string {
    return `metacontroller.io/decoratorcontroller-${this.dc.metadata.name}`;
  }

  private get store() {
    return this.shared.o.store;
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
    const now = this.shared.o.clock.now;
    const period = this.dc.spec.resyncPeriodSeconds ?? 0;
    return (
      this.fingerprint(parent, s.rules) !== s.seen ||
      (period > 0 && now >= s.lastSyncAt + period) ||
      (s.resyncAt !== undefined && now >= s.resyncAt)
    );
  }

  /**
   * The events a sync answers: the parent (only generation, labels, annotations and deletion under
   * `ignoreStatusChanges`), its attachments and the related objects of its last customize rules.
   */
  private fingerprint(parent: KubeObject, rules: JsonObject[]): string {
    const m = parent.metadata;
    const ignore = this.dc.spec.resources.some((r) => r.ignoreStatusChanges === true);
    const own = [m.generation, m.labels, m.annotations, m.deletionTimestamp, ignore ? '' : m.resourceVersion];
    const rv = (o: KubeObject) => `${o.kind}/${o.metadata.name}@${o.metadata.resourceVersion ?? ''}`;
    const attached = this.observed(parent).map(rv);
    const related = Object.values(this.relatedOf(parent, rules)).flatMap((inner) =>
      Object.values(inner).map(rv),
    );
    return JSON.stringify([own, attached, related]);
  }

  /** `getChildren`: controlled by the parent and annotated with this decorator's name. */
  private observed(parent: KubeObject): KubeObject[] {
    return this.dc.spec.attachments.flatMap((rule) =>
      this.store
        .list(resourceInfo(rule.resource).kind, parent.metadata.namespace ?? '')
        .filter((o) =>
          (o.metadata.ownerReferences ?? []).some(
            (r) => r.controller === true && r.uid === parent.metadata.uid,
          ),
        )
        .filter((o) => o.metadata.annotations?.[DECORATOR_ANNOTATION] === this.dc.metadata.name),
    );
  }

  async syncParent(ref: ObjectRef): Promise<DecoratorRecord | undefined> {
    let parent = this.store.get(ref);
    if (!parent) return undefined;
    const state: DecoratorParentState = {
      seen: '',
      lastSyncAt: this.shared.o.clock.now,
      failed: false,
      rules: [],
    };
    this.parents.set(parent.metadata.uid ?? '', state);
    const record: DecoratorRecord = {
      controller: this.dc.metadata.name,
      parent: `${ref.namespace}/${ref.name}`,
      at: this.shared.o.clock.now,
      statusWritten: false,
    };
    this.records.push(record);
    const deleting = parent.metadata.deletionTimestamp !== undefined;
    parent = this.addFinalizer(parent, deleting);
    const observed = this.observed(parent);
    const rules = await this.customize(parent);
    if (typeof rules === 'string') return this.fail(state, record, rules);
    state.rules = rules;
    state.seen = this.fingerprint(parent, rules);
    const finalizing = deleting && this.dc.spec.hooks.finalize !== undefined;
    const hook = (finalizing ? this.dc.spec.hooks.finalize : undefined) ?? this.dc.spec.hooks.sync;
    const answer = decodeDecoratorAnswer(
      await this.call(hook, {
        controller: this.dc,
        object: parent,
        attachments: attachmentMap(this.dc, observed),
        related: this.relatedOf(parent, rules),
        finalizing,
      }),
    );
    if (typeof answer === 'string') return this.fail(state, record, answer);
    if (answer.resyncAfterSeconds !== undefined && answer.resyncAfterSeconds > 0) {
      state.resyncAt = this.shared.o.clock.now + answer.resyncAfterSeconds;
    }
    record.attachments = answer.attachments.map((a) => `${a.kind}/${a.metadata.name}`).sort();
    const after = this.writeParent(parent, answer, record);
    if (!deleting || shouldFinalize(after ?? parent, this.finalizerName)) {
      this.manage(parent, observed, answer.attachments);
    }
    return record;
  }

  private addFinalizer(parent: KubeObject, deleting: boolean): KubeObject {
    const finalizers = parent.metadata.finalizers ?? [];
    if (deleting || !this.dc.spec.hooks.finalize || finalizers.includes(this.finalizerName)) return parent;
    return this.store.update(
      { ...parent, metadata: { ...parent.metadata, finalizers: [...finalizers, this.finalizerName] } },
      METACONTROLLER,
    );
  }

  /** Status first (its own subresource), then labels, annotations and the finalizer's removal. */
  private writeParent(
    parent: KubeObject,
    answer: DecoratorAnswer,
    record: DecoratorRecord,
  ): KubeObject | undefined {
    const { next, statusChanged, write } = desiredParent(parent, answer, this.finalizerName);
    if (!write) return parent;
    return this.apiCall(() => {
      if (statusChanged) {
        this.store.updateStatus(next, METACONTROLLER);
        record.statusWritten = true;
      }
      // The store's update keeps the stored status (the status subresource is separate).
      return this.store.update(next, METACONTROLLER);
    });
  }

  /** `common.ManageChildren` with the decorator's annotation on every desired attachment. */
  private manage(parent: KubeObject, observed: KubeObject[], attachments: KubeObject[]): void {
    const id = (c: KubeObject): string => `${c.kind}|${c.metadata.name}`;
    const desired = attachments.map((a) => ({
      ...a,
      metadata: {
        ...a.metadata,
        namespace: a.metadata.namespace ?? parent.metadata.namespace ?? '',
        annotations: { ...a.metadata.annotations, [DECORATOR_ANNOTATION]: this.dc.metadata.name },
      },
    }));
    const wanted = new Set(desired.map(id));
    for (const child of observed) {
      if (wanted.has(id(child)) || child.metadata.deletionTimestamp !== undefined) continue;
      this.apiCall(() => {
        this.store.delete(refOf(child), { actor: METACONTROLLER, uid: child.metadata.uid ?? '' });
        this.shared.applier.forget(child);
      });
    }
    const byId = new Map(observed.map((c) => [id(c), c]));
    for (const child of desired) {
      const rule = this.dc.spec.attachments.find(
        (r) => r.apiVersion === child.apiVersion && resourceInfo(r.resource).kind === child.kind,
      );
      if (!rule) this.shared.problems.push(`undeclared attachment type ${child.kind}.${child.apiVersion}`);
      const method = rule?.updateStrategy?.method ?? 'OnDelete';
      this.apiCall(() => {
        this.shared.applier.apply({ parent, desired: child, observed: byId.get(id(child)), method }, this.fx);
      });
    }
  }

  /** Customize rules, cached per parent uid and generation (common/customize `manager.go`). */
  private async customize(parent: KubeObject): Promise<JsonObject[] | string> {
    const hook = this.dc.spec.hooks.customize;
    if (!hook) return [];
    const key = `${parent.metadata.uid ?? ''}/${parent.metadata.generation ?? 0}`;
    const cached = this.customizeCache.get(key);
    const now = this.shared.o.clock.now;
    if (cached && cached.at + CUSTOMIZE_TTL_SECONDS > now) return cached.rules;
    const decoded = decodeCustomize(await this.call(hook, { controller: this.dc, parent }), hook.version);
    if (typeof decoded !== 'string') this.customizeCache.set(key, { rules: decoded, at: now });
    return decoded;
  }

  private relatedOf(parent: KubeObject, rules: JsonObject[]): ObjectMap {
    const map: ObjectMap = {};
    for (const rule of rules) {
      const { kind } = resourceInfo(String(rule['resource']));
      const inner = (map[`${kind}.${String(rule['apiVersion'])}`] ??= {});
      const ns = typeof rule['namespace'] === 'string' ? rule['namespace'] : parent.metadata.namespace;
      for (const o of this.store.list(kind, ns).filter((x) => ruleSelects(rule, x))) {
        inner[`${o.metadata.namespace ?? ''}/${o.metadata.name}`] = o;
      }
    }
    return map;
  }

  private async call(hook: HookSpec, body: unknown): Promise<HookAnswer> {
    const injected = this.shared.failures.shift();
    if (injected) return injected;
    const url = hook.webhook?.url;
    if (url === undefined) throw new Error('hook without webhook.url');
    return this.shared.o.hooks.post(new URL(url).pathname, body);
  }

  private fail(state: DecoratorParentState, record: DecoratorRecord, error: string): DecoratorRecord {
    state.failed = true;
    record.error = error;
    this.shared.errors.push(`SyncError ${record.parent} (${this.dc.metadata.name}): ${error}`);
    return record;
  }

  private readonly fx = {
    trace: (l: string): void => {
      this.trace(l);
    },
    problem: (l: string): void => {
      this.shared.problems.push(l);
    },
  };

  private trace(line: string): void {
    this.shared.o.trace?.(`metacontroller: ${this.dc.metadata.name}: ${line}`);
  }

  /** Per-object API errors become SyncErrors; the sync goes on. */
  private apiCall<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      this.shared.errors.push(`SyncError: ${err.message}`);
      return undefined;
    }
  }
}
