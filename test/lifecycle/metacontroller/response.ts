/**
 * What the Metacontroller emulator does with a hook's answer: v2 strict decoding, the sync record's
 * view of the response, and the observed pods and one-line summary for traces and assertions.
 */
import type { KubeObject } from '../../../hooks/lib/k8s';
import type { HookAnswer } from '../lib/hook-server';
import { isObject, type JsonObject } from '../lib/json';
import type { ObjectMap, ObservedPod, SyncRecord } from './model';

interface DecodedResponse {
  status: JsonObject;
  children: KubeObject[];
  resyncAfterSeconds?: number;
  finalized?: boolean;
}

const RESPONSE_KEYS = new Set(['status', 'children', 'resyncAfterSeconds', 'finalized']);

/** Only a 200 with a body v2 strict decoding accepts counts; anything else is a failed call. */
export function decodeResponse(answer: HookAnswer): DecodedResponse | string {
  if (answer.status !== 200)
    return `hook answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`;
  const body = answer.body;
  if (!isObject(body)) return 'hook answered 200 without a JSON object';
  const unknown = Object.keys(body).filter((k) => !RESPONSE_KEYS.has(k));
  if (unknown.length > 0) return `strict decoding: unknown response keys ${unknown.join(', ')}`;
  const children = body['children'] ?? [];
  if (!Array.isArray(children)) return 'children is not a list';
  for (const c of children as unknown[]) {
    const meta = isObject(c) ? c['metadata'] : undefined;
    if (
      !isObject(c) ||
      typeof c['apiVersion'] !== 'string' ||
      typeof c['kind'] !== 'string' ||
      !isObject(meta)
    ) {
      return 'a child lacks apiVersion, kind or metadata';
    }
  }
  const status = body['status'] ?? {};
  if (!isObject(status)) return 'status is not an object';
  const resync = body['resyncAfterSeconds'];
  return {
    status,
    children: children as KubeObject[],
    ...(typeof resync === 'number' ? { resyncAfterSeconds: resync } : {}),
    ...(typeof body['finalized'] === 'boolean' ? { finalized: body['finalized'] } : {}),
  };
}

export function describeResponse(record: SyncRecord, r: DecodedResponse): void {
  record.status = r.status;
  record.desiredChildren = r.children.map((c) => `${c.kind}/${c.metadata.name}`).sort();
  if (r.finalized !== undefined) record.finalized = r.finalized;
  if (r.resyncAfterSeconds !== undefined) record.resyncAfterSeconds = r.resyncAfterSeconds;
}

export function observedPods(related: ObjectMap): ObservedPod[] {
  const pods = Object.entries(related)
    .filter(([type]) => type.startsWith('Pod.'))
    .flatMap(([, inner]) => Object.values(inner))
    // The member pods: a PostgresCluster's backup catalog Jobs' pods arrive as related objects too.
    .filter((p) => p.metadata.labels?.['app.kubernetes.io/component'] !== 'backup-catalog');
  return pods.map((p) => ({
    name: p.metadata.name,
    role: p.metadata.labels?.['spilo-role'],
    ready: (
      (p['status'] as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []
    ).some((c) => c.type === 'Ready' && c.status === 'True'),
    terminating: p.metadata.deletionTimestamp !== undefined,
  }));
}

export function summary(status: JsonObject): string {
  const phase = typeof status['phase'] === 'string' ? status['phase'] : '-';
  const primary = typeof status['primary'] === 'string' ? ` primary=${status['primary']}` : '';
  return `phase=${phase}${primary}`;
}
