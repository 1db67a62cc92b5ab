/**
 * The children of one CompositeController's parents in the Metacontroller emulator: claiming
 * (keep, adopt, release by selector, §2.8), the selector check on desired children (§2.1 step 8),
 * and writing them (delete omitted, create, update per the child type's update strategy, §2.1 step 9)
 * with Metacontroller's server-side-apply strategy (apply.ts).
 */
import type { KubeObject } from '../../../hooks/lib/k8s';
import { clone } from '../lib/json';
import { resourceInfo } from '../lib/resources';
import { matches, type Selector } from '../lib/selectors';
import { ApiError, type ApiStore } from '../lib/store';
import type { ServerSideApplier } from './apply';
import { METACONTROLLER, type ChildRule, type CompositeController, type Shared } from './model';
import { ownerRef, refOf } from './objects';
import type { ObjectView } from './triggers';

/** Claims and writes the children of one controller's parents. */
export class ChildManager {
  private readonly store: ApiStore;
  private readonly cc: CompositeController;
  private readonly shared: Shared;
  private readonly applier: ServerSideApplier;

  constructor(cc: CompositeController, shared: Shared) {
    this.cc = cc;
    this.shared = shared;
    this.store = shared.o.store;
    this.applier = shared.applier;
  }

  private trace(line: string): void {
    this.shared.o.trace?.(`metacontroller: ${line}`);
  }

  get selectorOf(): (parent: KubeObject) => Selector {
    return (parent) =>
      this.cc.spec.generateSelector === true
        ? { matchLabels: { 'controller-uid': parent.metadata.uid ?? '' } }
        : ((parent['spec'] as { selector?: Selector } | undefined)?.selector ?? {});
  }

  /** §2.8: owned and matching → kept; orphan and matching → adopted; owned, not matching → released. */
  claim(parent: KubeObject, deleting: boolean, view: ObjectView = this.store): KubeObject[] {
    const uid = parent.metadata.uid ?? '';
    const selector = this.selectorOf(parent);
    const out: KubeObject[] = [];
    for (const rule of this.cc.spec.childResources) {
      const { kind } = resourceInfo(rule.resource);
      for (const obj of view.list(kind, parent.metadata.namespace ?? '')) {
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
        this.applier.forget(child);
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
    // Server-side apply (apply.ts): the strategy the install runs.
    const method = rule?.updateStrategy?.method ?? 'OnDelete';
    this.apiCall(() => {
      this.applier.apply(
        { parent, desired, observed, method },
        {
          trace: (l) => {
            this.trace(l);
          },
          problem: (l) => {
            this.shared.problems.push(l);
          },
        },
      );
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
