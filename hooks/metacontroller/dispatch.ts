/**
 * One hook call, transport-free: check the request's shape, run the controller's pure function,
 * and build the checked response. The HTTP layer only parses, calls this and serializes.
 */
import type { HookContext } from '../lib/context.js';
import type { KubeObject } from '../lib/k8s.js';
import type { CompositeControllerDef, ControllerDef, DecoratorControllerDef } from './controller.js';
import { HookError, toHookError } from './errors.js';
import { checkCustomize } from './customize.js';
import { checkChildren, checkFinalized, checkResync, checkStatus, isObject } from './response.js';
import type {
  CustomizeRequest,
  DecoratorRequest,
  DecoratorResponse,
  ObjectMap,
  SyncRequest,
  SyncResponse,
} from './types.js';

export const HOOK_NAMES = ['sync', 'finalize', 'customize'] as const;
export type HookName = (typeof HOOK_NAMES)[number];

export function isHookName(v: string): v is HookName {
  return (HOOK_NAMES as readonly string[]).includes(v);
}

/** One call: which controller and hook, the parsed body, and the impure inputs. */
export interface HookCall {
  def: ControllerDef;
  hook: HookName;
  body: unknown;
  ctx: HookContext;
}

/** Runs one hook; throws HookError (never anything else). */
export function runHook({ def, hook, body, ctx }: HookCall): unknown {
  try {
    if (hook === 'customize') return runCustomize(def, body, ctx);
    const call = { hook, body, ctx };
    return def.kind === 'composite' ? runComposite(def, call) : runDecorator(def, call);
  } catch (err) {
    throw toHookError(err);
  }
}

interface SyncCall {
  hook: 'sync' | 'finalize';
  body: unknown;
  ctx: HookContext;
}

function runCustomize(def: ControllerDef, body: unknown, ctx: HookContext): unknown {
  if (!def.customize) throw new HookError('NotFound', `${def.name} has no customize hook`);
  const req = body as CustomizeRequest;
  requireObject(body, 'request');
  requireObject(req.controller, 'controller');
  requireParent(def, req.parent, 'parent');
  return checkCustomize(def.customize(req, ctx));
}

function runComposite(def: CompositeControllerDef, { hook, body, ctx }: SyncCall): SyncResponse {
  const handler = hook === 'sync' ? def.sync.bind(def) : def.finalize?.bind(def);
  if (!handler) throw new HookError('NotFound', `${def.name} has no ${hook} hook`);
  const raw = requireObject(body, 'request');
  const req: SyncRequest = {
    controller: requireObject(raw['controller'], 'controller') as KubeObject,
    parent: requireParent(def, raw['parent'], 'parent'),
    children: requireObjectMap(raw['children'], 'children'),
    related: requireObjectMap(raw['related'], 'related'),
    finalizing: requireFinalizing(raw['finalizing']),
  };
  const desired = handler(req, ctx);
  if (!isObject(desired)) throw new HookError('InvalidResponse', `${hook} returned no object`);
  return {
    status: checkStatus(desired.status),
    children: checkChildren(desired.children, {
      types: def.childTypes,
      namespace: req.parent.metadata.namespace,
      observed: req.children,
      ...(def.isProtected ? { isProtected: def.isProtected.bind(def) } : {}),
    }),
    ...checkResync(desired.resyncAfterSeconds),
    ...checkFinalized(desired.finalized, req.finalizing),
  };
}

function runDecorator(def: DecoratorControllerDef, { hook, body, ctx }: SyncCall): DecoratorResponse {
  const handler = hook === 'sync' ? def.sync.bind(def) : def.finalize?.bind(def);
  if (!handler) throw new HookError('NotFound', `${def.name} has no ${hook} hook`);
  const raw = requireObject(body, 'request');
  const req: DecoratorRequest = {
    controller: requireObject(raw['controller'], 'controller') as KubeObject,
    object: requireParent(def, raw['object'], 'object'),
    attachments: requireObjectMap(raw['attachments'], 'attachments'),
    related: requireObjectMap(raw['related'], 'related'),
    finalizing: requireFinalizing(raw['finalizing']),
  };
  const desired = handler(req, ctx);
  if (!isObject(desired)) throw new HookError('InvalidResponse', `${hook} returned no object`);
  return {
    ...(desired.labels ? { labels: sortedMap(desired.labels) } : {}),
    ...(desired.annotations ? { annotations: sortedMap(desired.annotations) } : {}),
    ...(desired.status ? { status: checkStatus(desired.status) } : {}),
    attachments: checkChildren(desired.attachments, {
      types: def.attachmentTypes,
      namespace: req.object.metadata.namespace,
      observed: req.attachments,
    }),
    ...checkResync(desired.resyncAfterSeconds),
    ...checkFinalized(desired.finalized, req.finalizing),
  };
}

/** Decorator label/annotation maps keep `null` values: they mean "remove this key". */
function sortedMap(m: Record<string, string | null>): Record<string, string | null> {
  return Object.fromEntries(
    Object.keys(m)
      .sort()
      .map((k) => [k, m[k] ?? null]),
  );
}

function requireObject(v: unknown, what: string): Record<string, unknown> {
  if (!isObject(v)) throw new HookError('BadRequest', `${what} must be an object`);
  return v;
}

function requireKubeObject(v: unknown, what: string): KubeObject {
  const obj = requireObject(v, what);
  const meta = obj['metadata'];
  if (!isObject(meta) || typeof meta['name'] !== 'string' || meta['name'] === '') {
    throw new HookError('BadRequest', `${what}.metadata.name is required`);
  }
  if (typeof obj['apiVersion'] !== 'string' || typeof obj['kind'] !== 'string') {
    throw new HookError('BadRequest', `${what} needs apiVersion and kind`);
  }
  return obj as KubeObject;
}

/**
 * The watched object: of the controller's type and namespaced. Metacontroller never sends anything
 * else; a request that does is not one of its calls, and no handler should render from it.
 */
function requireParent(def: ControllerDef, v: unknown, what: string): KubeObject {
  const obj = requireKubeObject(v, what);
  const ns = obj.metadata.namespace;
  if (typeof ns !== 'string' || ns === '')
    throw new HookError('BadRequest', `${what}.metadata.namespace is required`);
  const want = def.parent;
  if (want && (obj.apiVersion !== want.apiVersion || obj.kind !== want.kind)) {
    throw new HookError(
      'BadRequest',
      `${what} must be ${want.kind} (${want.apiVersion}), not ${obj.kind} (${obj.apiVersion})`,
    );
  }
  return obj;
}

/** Metacontroller always sends every declared type; a missing map is read as "nothing observed". */
function requireObjectMap(v: unknown, what: string): ObjectMap {
  if (v === undefined || v === null) return {};
  const map = requireObject(v, what);
  for (const [type, inner] of Object.entries(map)) {
    if (inner === null) continue;
    const objects = requireObject(inner, `${what}[${type}]`);
    for (const [key, obj] of Object.entries(objects)) requireKubeObject(obj, `${what}[${type}][${key}]`);
  }
  return Object.fromEntries(
    Object.entries(map).map(([k, inner]) => [k, (inner ?? {}) as Record<string, KubeObject>]),
  );
}

function requireFinalizing(v: unknown): boolean {
  if (v === undefined) return false;
  if (typeof v !== 'boolean') throw new HookError('BadRequest', 'finalizing must be a boolean');
  return v;
}
