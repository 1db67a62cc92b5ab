/**
 * What every PostgresCluster DecoratorController renders from: the same resolved cluster the
 * CompositeController renders its children from.
 *
 * An invalid spec must not change or remove an attachment either (docs/architecture.md rule 2): like the sync hook,
 * a decorator falls back to the last valid spec, which the cluster's StatefulSet carries and which
 * the decorator observes as a related object. When the spec is invalid and nothing records a valid
 * one, it renders nothing if nothing exists yet, and otherwise refuses (500), so Metacontroller keeps
 * every attachment and retries.
 */
import type { KubeObject } from '../lib/k8s.js';
import { getObject, listObjects } from '../metacontroller/children.js';
import { HookError } from '../metacontroller/errors.js';
import type { CustomizeRequest, CustomizeResponse, DecoratorRequest } from '../metacontroller/types.js';
import { ANNOTATIONS, clusterNames } from '../postgrescluster/names.js';
import { checkParsedSpec } from '../postgrescluster/spec/index.js';
import { withLoggingDefault } from '../postgrescluster/spec/logging.js';
import type { ResolvedCluster } from '../postgrescluster/spec/resolved.js';

/** Related objects of every PostgresCluster decorator: the cluster's StatefulSet, read-only. */
export function customizeDecorator(req: CustomizeRequest): CustomizeResponse {
  const id = req.parent.metadata;
  return {
    relatedResources: [
      {
        apiVersion: 'apps/v1',
        resource: 'statefulsets',
        namespace: id.namespace ?? 'default',
        names: [clusterNames(id).statefulSet],
      },
    ],
  };
}

function lastValidSpec(req: DecoratorRequest): unknown {
  const id = req.object.metadata;
  const sts = getObject(
    req.related,
    { kind: 'StatefulSet', apiVersion: 'apps/v1' },
    {
      name: clusterNames(id).statefulSet,
      ...(id.namespace === undefined ? {} : { namespace: id.namespace }),
    },
  );
  const raw = sts?.metadata.annotations?.[ANNOTATIONS.lastValidSpec];
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

function attachmentCount(req: DecoratorRequest): number {
  return Object.keys(req.attachments).reduce(
    (n, key) => n + Object.keys(req.attachments[key] ?? {}).length,
    0,
  );
}

/** The cluster to render attachments from; undefined when there is nothing valid and nothing to keep. */
export function decoratorCluster(req: DecoratorRequest): ResolvedCluster | undefined {
  const previous = lastValidSpec(req);
  // The same logging default as the sync hook, so both agree on whether the spec is valid.
  const check = checkParsedSpec(withLoggingDefault(req.object, previous), previous);
  if (check.ok) return check.resolved;
  if (previous !== undefined) {
    const kept = checkParsedSpec({ ...req.object, spec: previous }, previous);
    if (kept.ok) return kept.resolved;
  }
  if (attachmentCount(req) > 0) {
    throw new HookError(
      'Internal',
      'the spec is invalid and no valid spec is recorded: keeping every attachment',
    );
  }
  return undefined;
}

/** Every observed attachment of one type (for tests and status-free decorators). */
export function observedAttachments(req: DecoratorRequest, kind: string, apiVersion: string): KubeObject[] {
  return listObjects(req.attachments, kind, apiVersion);
}
