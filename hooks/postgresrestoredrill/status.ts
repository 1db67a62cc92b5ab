/**
 * The PostgresRestoreDrill status: the verdict (verdict.ts) with the names of what the drill made and
 * a `Completed` condition. Succeeded and Failed are final: once the status says so it keeps saying
 * so, with its measurements, even when the check Job is deleted, and sync never starts a second run.
 */
import { stampConditions } from '../lib/conditions.js';
import type { Condition, KubeObject } from '../lib/k8s.js';
import type { DrillStatus } from './verdict.js';

export interface PostgresRestoreDrillStatus extends DrillStatus {
  cluster?: string;
  drillCluster?: string;
  jobName?: string;
  conditions: Condition[];
}

type Previous = Partial<Record<keyof PostgresRestoreDrillStatus, unknown>>;

export function previousStatus(parent: KubeObject): Previous {
  const s = parent['status'];
  return typeof s === 'object' && s !== null ? s : {};
}

export function isFinal(previous: Previous): boolean {
  return previous.phase === 'Succeeded' || previous.phase === 'Failed';
}

const MEASURED = ['recoveryTimeSeconds', 'dataLossWindowSeconds', 'amcheckIndexes'] as const;

/** The previous final verdict, as recorded (the Job that gave it is gone). */
export function keptFinal(previous: Previous, clusterPresent: boolean): DrillStatus {
  const text = (v: unknown, fallback: string) => (typeof v === 'string' && v !== '' ? v : fallback);
  const numbers = MEASURED.flatMap((k) => (typeof previous[k] === 'number' ? [[k, previous[k]]] : []));
  return {
    phase: previous.phase === 'Failed' ? 'Failed' : 'Succeeded',
    reason: text(previous.reason, 'Finished'),
    message: text(previous.message, 'finished'),
    ...(Object.fromEntries(numbers) as Partial<DrillStatus>),
    ...(typeof previous.restoredUntil === 'string' ? { restoredUntil: previous.restoredUntil } : {}),
    cleanedUp: !clusterPresent,
  };
}

export interface StatusNames {
  cluster?: string;
  drillCluster?: string;
  jobName?: string;
}

/** The full status: the verdict, the names, and `Completed` (True: passed, False: failed). */
export function drillObjectStatus(o: {
  parent: KubeObject;
  verdict: DrillStatus;
  names: StatusNames;
  now: string;
}): PostgresRestoreDrillStatus {
  const { parent, verdict, names, now } = o;
  const previous = previousStatus(parent);
  const status = verdict.phase === 'Succeeded' ? 'True' : verdict.phase === 'Failed' ? 'False' : 'Unknown';
  const generation = parent.metadata.generation;
  const condition = {
    type: 'Completed',
    status,
    reason: verdict.reason,
    message: verdict.message,
    ...(generation === undefined ? {} : { observedGeneration: generation }),
  } as const;
  return {
    ...verdict,
    ...names,
    conditions: stampConditions([condition], previous.conditions, now),
  };
}
