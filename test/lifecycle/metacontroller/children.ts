/**
 * The children of one CompositeController's parents in the Metacontroller emulator: claiming
 * (keep, adopt, release by selector, §2.8), the selector check on desired children (§2.1 step 8),
 * and writing them (delete omitted, create, update per the child type's update strategy, §2.1 step 9)
 * with the semantics of apply (../lib/merge.ts).
 */
import type { KubeObject } from '../../../hooks/lib/k8s';
import { clone } from '../lib/json';
import { threeWayMerge } from '../lib/merge';
import { resourceInfo } from '../lib/resources';
import { matches, type Selector } from '../lib/selectors';
import { ApiError, type ApiStore } from '../lib/store';
import { METACONTROLLER, type ChildRule, type CompositeController, type Shared } from './model';
import { ownerRef, refOf } from './objects';
import { forcedApplyOver } from './ssa-create';

/** Claims and writes the children of one controller's parents. */
export class ChildManager {
  /** What this controller last applied per child uid: the third side of the merge. */
  private readonly lastApplied = new Map<string, KubeObject>();
  private readonly store: ApiStore;
  private readonly cc: CompositeController;
  private readonly shared: Shared;

  constructor(cc: CompositeController, shared: Shared) {
    this.cc = cc;
    this.shared = shared;
    this.store = shared.o.store;
  }

  private trace(line: string): void {
    this.shared.o.trace?.(`metacontroller: ${line}`);
  }

  private get selectorOf(): (parent: KubeObject) => Selector {
    return (parent) =>
      this.cc.spec.generateSelector === true
        ? { matchLabels: { 'controller-uid': parent.metadata.uid ?? '' } }
        : ((parent['spec'] as { selector?: Selector } | undefined)?.selector ?? {});
  }

  /** §2.8: owned and matching → kept; orphan and matching → adopted; owned, not matching → released. */
  claim(parent: KubeObject, deleting: boolean): KubeObject[] {
    const uid = parent.metadata.uid ?? '';
    const selector = this.selectorOf(parent);
    const out: KubeObject[] = [];
    for (const rule of this.cc.spec.childResources) {
      const { kind } = resourceInfo(rule.resource);
      for (const obj of this.store.list(kind, parent.metadata.namespace ?? '')) {
        const owner = (obj.metadata.ownerReferences ?? []).find((r) => r.controller === true);
        const match = matches(selector, obj.metadata.labels);
        // controller_ref_manager.go ClaimObject: an owned child that stopped matching is neither
        // claimed nor released while the parent is being deleted; orphans are adopted only while it
        // is not, and only if they are not being deleted themselves.
        if (owner?.uid === uid) {
          if (match) out.push(obj);
          else if (!deleting) this.release(obj, uid);
        } else if (!owner && match && !deleting && obj.metadata.deletionTimestamp === undefined) {
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

  /** §2.1 step 8: the selector label is added, then every child must match or nothing happens. */
  labelled(parent: KubeObject, children: KubeObject[]): KubeObject[] | string {
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

  manageChildren(o: {
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
    const existing = this.store.get(ref);
    if (existing) {
      // Server-side apply: a forced apply over the object of that name, which it then owns (ssa-create.ts).
      this.apiCall(() => {
        const lastApplied = this.lastApplied.get(existing.metadata.uid ?? '');
        forcedApplyOver(this.store, { existing, desired, parent, lastApplied });
        this.lastApplied.set(existing.metadata.uid ?? '', clone(desired));
        this.trace(`applied over unobserved ${ref.kind}/${ref.name}: now owned by ${parent.metadata.name}`);
      });
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
}
