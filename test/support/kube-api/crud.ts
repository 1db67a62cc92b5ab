/**
 * The verbs on objects: get, list, create, update (PUT), patch (merge, JSON patch; strategic merge
 * as merge for built-in kinds only), delete, each on the main resource or the `status` subresource,
 * over the lifecycle emulator's ApiStore. Writes with a `metadata.resourceVersion` that is not the
 * stored one fail with 409 Conflict (optimistic concurrency, API conventions "Concurrency Control").
 */
import type { KubeObject } from '../../../hooks/lib/k8s';
import { ApiError, type ApiStore } from '../../lifecycle/lib/store';
import { jsonPatch, mergePatch } from './patch';
import { apiVersionOf, type Route } from './resources';
import { fieldSelector, labelSelector } from './selectors';
import { StatusError, successStatus } from './status';

export interface Answer {
  code: number;
  body: unknown;
}

const refOf = (route: Route, name: string) => ({
  kind: route.resource.kind,
  namespace: route.namespace ?? '',
  name,
});

/** Maps the store's errors to the API's Status reasons. */
export function storeCall<T>(route: Route, name: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    const details = { name, kind: route.resource.plural, group: route.resource.group };
    if (e.code === 404)
      throw new StatusError('NotFound', `${route.resource.plural} "${name}" not found`, details);
    if (e.code === 409)
      throw new StatusError(
        e.message.includes('already exists') ? 'AlreadyExists' : 'Conflict',
        e.message.includes('already exists')
          ? `${route.resource.plural} "${name}" already exists`
          : e.message,
        details,
      );
    throw new StatusError('Invalid', e.message, details);
  }
}

export function getObject(store: ApiStore, route: Route, name: string): KubeObject {
  const obj = store.get(refOf(route, name));
  if (!obj)
    throw new StatusError(
      'NotFound',
      `${route.resource.plural}${route.resource.group ? `.${route.resource.group}` : ''} "${name}" not found`,
      {
        name,
        kind: route.resource.plural,
        group: route.resource.group,
      },
    );
  return obj;
}

export function listObjects(store: ApiStore, route: Route, q: URLSearchParams): KubeObject[] {
  const labels = labelSelector(q.get('labelSelector'));
  const fields = fieldSelector(q.get('fieldSelector'));
  return store.list(route.resource.kind, route.namespace).filter((o) => labels(o) && fields(o));
}

export function listAnswer(store: ApiStore, route: Route, items: KubeObject[]): Answer {
  return {
    code: 200,
    body: {
      apiVersion: apiVersionOf(route.resource),
      kind: `${route.resource.kind}List`,
      metadata: { resourceVersion: String(store.revision) },
      items,
    },
  };
}

function checkIdentity(route: Route, body: KubeObject, name?: string): void {
  if (body.kind !== route.resource.kind || body.apiVersion !== apiVersionOf(route.resource))
    throw new StatusError(
      'BadRequest',
      `the API version in the data (${body.apiVersion}) does not match the expected API version (${apiVersionOf(route.resource)}) or kind ${JSON.stringify(body.kind)}`,
    );
  if (name !== undefined && body.metadata.name !== name)
    throw new StatusError('BadRequest', 'the name of the object does not match the name on the URL');
  if (
    route.namespace !== undefined &&
    body.metadata.namespace !== undefined &&
    body.metadata.namespace !== route.namespace
  )
    throw new StatusError(
      'BadRequest',
      'the namespace of the provided object does not match the namespace sent on the request',
    );
}

export function createObject(store: ApiStore, route: Route, body: KubeObject, actor: string): Answer {
  checkIdentity(route, body);
  if (!body.metadata.name)
    throw new StatusError('Invalid', 'metadata.name: Required value: name is required');
  const obj = {
    ...body,
    metadata: { ...body.metadata, ...(route.namespace ? { namespace: route.namespace } : {}) },
  };
  return { code: 201, body: storeCall(route, body.metadata.name, () => store.create(obj, actor)) };
}

function write(store: ApiStore, route: Route, next: KubeObject, actor: string): KubeObject {
  const name = next.metadata.name;
  const current = getObject(store, route, name);
  const rv = next.metadata.resourceVersion;
  if (rv !== undefined && rv !== '' && rv !== current.metadata.resourceVersion)
    throw new StatusError(
      'Conflict',
      `Operation cannot be fulfilled on ${route.resource.plural} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
      { name, kind: route.resource.plural, group: route.resource.group },
    );
  return storeCall(route, name, () =>
    route.subresource === 'status' ? store.updateStatus(next, actor) : store.update(next, actor),
  );
}

export function replaceObject(store: ApiStore, route: Route, body: KubeObject, actor: string): Answer {
  const name = route.name ?? '';
  checkIdentity(route, body, name);
  return {
    code: 200,
    body: write(
      store,
      route,
      { ...body, metadata: { ...body.metadata, namespace: route.namespace ?? '' } },
      actor,
    ),
  };
}

export function patchObject(
  store: ApiStore,
  route: Route,
  o: { contentType: string; body: unknown; actor: string },
): Answer {
  const name = route.name ?? '';
  const current = getObject(store, route, name);
  const type = o.contentType.split(';')[0]?.trim();
  let next: unknown;
  if (type === 'application/json-patch+json') next = jsonPatch(current, o.body);
  else if (type === 'application/merge-patch+json') next = mergePatch(current, o.body);
  else if (type === 'application/strategic-merge-patch+json' && route.resource.group !== 'pgmeta.io')
    next = mergePatch(current, o.body);
  else
    throw new StatusError(
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json`,
    );
  const obj = next as KubeObject;
  // A patch that carries no resourceVersion applies to whatever is stored (no precondition).
  const rvGiven = JSON.stringify(o.body).includes('"resourceVersion"');
  if (!rvGiven) obj.metadata.resourceVersion = current.metadata.resourceVersion ?? '';
  return { code: 200, body: write(store, route, obj, o.actor) };
}

export function deleteObject(
  store: ApiStore,
  route: Route,
  o: { body: { propagationPolicy?: string; preconditions?: { uid?: string } } | undefined; actor: string },
): Answer {
  const name = route.name ?? '';
  const ref = refOf(route, name);
  const before = getObject(store, route, name);
  const policy = o.body?.propagationPolicy as 'Orphan' | 'Background' | 'Foreground' | undefined;
  storeCall(route, name, () => {
    store.delete(ref, {
      actor: o.actor,
      ...(o.body?.preconditions?.uid ? { uid: o.body.preconditions.uid } : {}),
      ...(policy ? { propagationPolicy: policy } : {}),
    });
  });
  const after = store.get(ref);
  if (after) return { code: 200, body: after };
  return {
    code: 200,
    body: successStatus({
      name,
      kind: route.resource.plural,
      group: route.resource.group,
      uid: before.metadata.uid ?? '',
    }),
  };
}
