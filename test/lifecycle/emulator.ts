/**
 * A Metacontroller (v4.17.2) running one or more CompositeControllers for scenario tests, following
 * Metacontroller v4.17.2 as read in its source (metacontroller/UPSTREAM.md). Like the real one, it runs
 * every controller against one API server and one hook service: each controller watches its own
 * parent resource (two controllers on one parent resource are refused), and its parents' syncs are
 * its own; history, errors and injected hook failures are shared, as they are one process's.
 * One `syncParent` is one sync of one parent, in the order of §2.1:
 *
 *  1. read the parent; 2. add the finalizer before anything else; 3. claim children by the
 *  `controller-uid` selector (keep owned, adopt matching orphans, release owned that stopped
 *  matching; neither adopt nor release while the parent is being deleted); 4. customize (cached per parent uid + generation) → related objects; 5. call sync, or
 *  finalize while the parent is being deleted, over HTTP on the real hook server (v2 keys); a non-200
 *  or an unreadable/strict-invalid body ends the sync here and changes nothing; 6. schedule
 *  `resyncAfterSeconds`; 7. remove the finalizer on `finalized: true`; 8. every desired child must
 *  match the selector or the whole sync aborts; 9. unless the parent is being deleted and its
 *  finalizer is gone or a GC finalizer is on (hands off, gc.ts): delete every observed child the
 *  response omits (background propagation), then create (server-side apply, even over an object of
 *  that name) or update each desired child per its type's update strategy; 10. write status with `observedGeneration` (pruned and validated by the CRD schema).
 *
 * Children are written with the server-side-apply strategy the install runs (metacontroller/apply.ts):
 * fields the hook set before and no longer sets are removed, fields set by the API server or other
 * writers are kept, a per-child cache skips unchanged children, and a child that is not observed is
 * force-applied over any existing object of its name. Each modeled behaviour and its upstream source
 * is listed in metacontroller/UPSTREAM.md.
 *
 * The emulator is split by responsibility under metacontroller/: model.ts (CompositeControllers,
 * records), composite-loop.ts (one controller's syncs), children.ts (claiming and writing children),
 * response.ts (decoding hook answers), apply.ts (server-side apply, also over an existing object of
 * the name), customize.ts (the customize cache and strict decoding), objects.ts (references), gc.ts
 * (the garbage collector, `orphan`/`foregroundDeletion`, and the hands-off rule while they are on),
 * triggers.ts (which watch events and resyncs make a parent due, `ignoreStatusChanges`, and the
 * informer caches children and related objects are read from, optionally lagging).
 * decorator-loop.ts and decorator-response.ts run DecoratorControllers (the optional components');
 * etag.ts is the webhook ETag cache (If-None-Match, 304) of the hooks whose YAML enables it.
 * metacontroller/UPSTREAM.md lists each modeled behaviour with the upstream file and function.
 */
import type { HookAnswer } from './lib/hook-server';
import type { ObjectRef } from './lib/store';
import { ServerSideApplier } from './metacontroller/apply';
import { CompositeLoop } from './metacontroller/composite-loop';
import { DecoratorLoop } from './metacontroller/decorator-loop';
import { EtagHookClient, etagHooks } from './metacontroller/etag';
import { Informers } from './metacontroller/triggers';
import type { MetacontrollerOptions, Shared, SyncRecord } from './metacontroller/model';

export {
  METACONTROLLER,
  loadCompositeController,
  loadDecoratorController,
  type DecoratorController,
  type CompositeController,
  type MetacontrollerOptions,
  type ObservedPod,
  type SyncRecord,
} from './metacontroller/model';
export { collectGarbage } from './metacontroller/gc';
export { ownerRef, refOf } from './metacontroller/objects';

export class Metacontroller {
  readonly history: SyncRecord[] = [];
  /** Contract problems the real cluster would show as silent misbehaviour (pruned status, ...). */
  readonly problems: string[] = [];
  /** SyncError events: per-object API errors and failed hook calls. */
  readonly errors: string[] = [];
  private readonly failures: HookAnswer[] = [];
  /** The hook client with Metacontroller's ETag cache (metacontroller/etag.ts). */
  readonly hooks: EtagHookClient;
  private readonly loops: CompositeLoop[];
  /** The DecoratorControllers (metacontroller/decorator-loop.ts), synced after the composites. */
  readonly decorators: DecoratorLoop[];
  private seq = 0;

  constructor(o: MetacontrollerOptions) {
    const specs = [...o.controllers, ...(o.decorators ?? [])];
    const etag = etagHooks(specs.flatMap((c) => Object.values(c.spec.hooks)));
    this.hooks = new EtagHookClient(o.hooks, etag, o.clock);
    const shared: Shared = {
      o: { ...o, hooks: this.hooks },
      history: this.history,
      problems: this.problems,
      errors: this.errors,
      failures: this.failures,
      applier: new ServerSideApplier(o.store),
      informers: new Informers(o.store, o.clock, o.informerLagSeconds ?? 0),
      nextSeq: () => ++this.seq,
    };
    this.loops = o.controllers.map((cc) => new CompositeLoop(cc, shared));
    this.decorators = (o.decorators ?? []).map((dc) => new DecoratorLoop(dc, shared));
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
   * Syncs, controller after controller in the order given, every parent in its controller's queue
   * (an event of the parent, an owned child or a related object; a resync; metacontroller/triggers.ts),
   * with a due `resyncAfterSeconds`, whose last sync failed, or every parent when `force`. Returns how many.
   */
  async syncDue(o: { force?: boolean } = {}): Promise<number> {
    let n = 0;
    for (const loop of this.loops) n += await loop.syncDue(o);
    for (const loop of this.decorators) n += await loop.syncDue(o);
    return n;
  }

  /** One sync of one parent by the controller of its kind (§2.1); undefined when there was nothing to sync. */
  async syncParent(ref: ObjectRef): Promise<SyncRecord | undefined> {
    return this.loopOf(ref.kind).syncParent(ref);
  }
}
