/**
 * What a controller module hands to the server: its child types and its pure hook functions.
 * The server routes `POST /<name>/<hook>` to them and passes every composite result through the
 * response builder, which enforces the contract (response.ts).
 */
import type { HookContext } from '../lib/context.js';
import type { KubeObject } from '../lib/k8s.js';
import type {
  CustomizeRequest,
  CustomizeResponse,
  DecoratorDesiredState,
  DecoratorRequest,
  DesiredState,
  SyncRequest,
} from './types.js';

export type UpdateMethod = 'OnDelete' | 'InPlace' | 'Recreate';

/** One `childResources` (or `attachments`) rule; `kind` is what the request's type keys use. */
export interface ChildType {
  kind: string;
  apiVersion: string;
  /** Plural resource name as in the controller YAML. */
  resource: string;
  updateStrategy: UpdateMethod;
}

/**
 * The type of object the controller watches (a CompositeController's `parentResource`, a
 * DecoratorController's `resources`). A request about another type, or without a namespace (every
 * pgmeta parent is namespaced), is refused with 400 before the handler runs.
 */
export interface ParentType {
  apiVersion: string;
  kind: string;
}

export interface CompositeControllerDef {
  kind: 'composite';
  /** Route prefix and the CompositeController's name. */
  name: string;
  /** Set by every pgmeta controller (test/unit/install checks it against the install YAML). */
  parent?: ParentType;
  childTypes: readonly ChildType[];
  sync(req: SyncRequest, ctx: HookContext): DesiredState;
  finalize?(req: SyncRequest, ctx: HookContext): DesiredState;
  customize?(req: CustomizeRequest, ctx: HookContext): CustomizeResponse;
  /**
   * The facts the sync hook reads from a request body (parsed, not yet checked): requests with the
   * same facts must get the same answer, which the service then remembers (http/answer-memo.ts).
   * Undefined: no memo for this request.
   */
  syncFacts?(body: unknown): unknown;
  /**
   * Observed children that must never be omitted from a 200 response (docs/architecture.md rule 3).
   * Defaults to objects annotated `pgmeta.io/protected: "true"`.
   */
  isProtected?(child: KubeObject): boolean;
}

export interface DecoratorControllerDef {
  kind: 'decorator';
  name: string;
  parent?: ParentType;
  attachmentTypes: readonly ChildType[];
  sync(req: DecoratorRequest, ctx: HookContext): DecoratorDesiredState;
  finalize?(req: DecoratorRequest, ctx: HookContext): DecoratorDesiredState;
  customize?(req: CustomizeRequest, ctx: HookContext): CustomizeResponse;
}

export type ControllerDef = CompositeControllerDef | DecoratorControllerDef;

export const PROTECTED_ANNOTATION = 'pgmeta.io/protected';

/** The default deletion-guard predicate. */
export function hasProtectedAnnotation(child: KubeObject): boolean {
  return child.metadata.annotations?.[PROTECTED_ANNOTATION] === 'true';
}
