/** What every simulated controller shares: the store, the clock, node health and the trace. */
import type { KubeObject } from '../../../hooks/lib/k8s';
import type { SimClock } from '../lib/clock';
import { isObject, type JsonObject } from '../lib/json';
import type { ApiStore } from '../lib/store';

export interface SimContext {
  store: ApiStore;
  clock: SimClock;
  /** Nodes that stopped answering (node loss): their pods can be neither updated nor removed. */
  lostNodes: Set<string>;
  trace(line: string): void;
}

export interface Condition {
  type: string;
  status: string;
  [k: string]: unknown;
}

export function statusOf(o: KubeObject): JsonObject {
  return isObject(o['status']) ? o['status'] : {};
}

export function specOf(o: KubeObject): JsonObject {
  return isObject(o['spec']) ? o['spec'] : {};
}

export function conditionsOf(o: KubeObject): Condition[] {
  const c = statusOf(o)['conditions'];
  return Array.isArray(c) ? (c as Condition[]) : [];
}

export function hasCondition(o: KubeObject, type: string, status = 'True'): boolean {
  return conditionsOf(o).some((c) => c.type === type && c.status === status);
}

/** Conditions with `type` set to `status`; the transition time moves only when the status does. */
export function setCondition(list: Condition[], type: string, status: string, now: string): Condition[] {
  const old = list.find((c) => c.type === type);
  if (old?.status === status) return list;
  const next = { ...old, type, status, lastTransitionTime: now };
  return old ? list.map((c) => (c.type === type ? next : c)) : [...list, next];
}

export function controllerOwner(o: KubeObject): { uid: string; kind: string; name: string } | undefined {
  return (o.metadata.ownerReferences ?? []).find((r) => r.controller === true);
}

/** Environment of a pod's (or pod template's) first container, literal values only. */
export function containerEnv(podSpec: unknown): Record<string, string> {
  const containers = (podSpec as { containers?: { env?: { name: string; value?: string }[] }[] } | undefined)
    ?.containers;
  const env = containers?.[0]?.env ?? [];
  return Object.fromEntries(env.filter((e) => e.value !== undefined).map((e) => [e.name, e.value ?? '']));
}

export function ordinalOf(podName: string): number {
  const m = /-(\d+)$/.exec(podName);
  return m ? Number(m[1]) : -1;
}
