/**
 * The data of the Metacontroller emulator (../emulator.ts): the CompositeController objects and how
 * to load them, the sync records kept for assertions, per-parent state, and what the controllers of
 * one Metacontroller share.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { KubeObject } from '../../../hooks/lib/k8s';
import type { SimClock } from '../lib/clock';
import { REPO_ROOT } from '../lib/crd';
import type { HookAnswer, HookServer } from '../lib/hook-server';
import type { JsonObject } from '../lib/json';
import type { ApiStore } from '../lib/store';
import type { ServerSideApplier } from './apply';
import type { HookClient } from './etag';
import type { Informers } from './triggers';

export const METACONTROLLER = 'metacontroller';

export interface ChildRule {
  apiVersion: string;
  resource: string;
  updateStrategy?: { method?: string };
}

export interface HookSpec {
  version?: string;
  webhook?: { url?: string };
}

/** The CompositeController object, as the YAML in composite-controllers/ declares it. */
export interface CompositeController {
  apiVersion: string;
  kind: 'CompositeController';
  metadata: { name: string };
  spec: {
    generateSelector?: boolean;
    resyncPeriodSeconds?: number;
    parentResource: { apiVersion: string; resource: string; ignoreStatusChanges?: boolean };
    childResources: ChildRule[];
    hooks: { sync: HookSpec; finalize?: HookSpec; customize?: HookSpec };
  };
}

/** The DecoratorController object, as manifests/components/<name>/decoratorcontroller.yaml declares it. */
export interface DecoratorController {
  apiVersion: string;
  kind: 'DecoratorController';
  metadata: { name: string };
  spec: {
    resyncPeriodSeconds?: number;
    resources: { apiVersion: string; resource: string; ignoreStatusChanges?: boolean }[];
    attachments: ChildRule[];
    hooks: { sync: HookSpec; finalize?: HookSpec; customize?: HookSpec };
  };
}

/** The DecoratorController of the kustomize component manifests/components/<component>/. */
export function loadDecoratorController(component: string): DecoratorController {
  const file = join(REPO_ROOT, 'manifests', 'components', component, 'decoratorcontroller.yaml');
  const doc = parse(readFileSync(file, 'utf8')) as DecoratorController | null;
  if (doc?.kind !== 'DecoratorController') throw new Error(`no DecoratorController in ${file}`);
  return doc;
}

/** The CompositeController named `name` from composite-controllers/*.yaml. */
export function loadCompositeController(name: string): CompositeController {
  const dir = join(REPO_ROOT, 'composite-controllers');
  for (const file of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f))) {
    const doc = parse(readFileSync(join(dir, file), 'utf8')) as CompositeController | null;
    if (doc?.kind === 'CompositeController' && doc.metadata.name === name) return doc;
  }
  throw new Error(`no CompositeController ${name} in composite-controllers/`);
}

/** What one sync saw and did, kept for assertions about every step of a scenario. */
export interface SyncRecord {
  seq: number;
  at: number;
  /** The CompositeController that synced (`metadata.name`). */
  controller: string;
  parent: string;
  parentUid: string;
  hook: 'sync' | 'finalize';
  httpStatus: number;
  /** Why the sync changed nothing or failed part-way (non-200, strict decoding, label check). */
  error?: string;
  /** The member pods in the request: name, role label, ready, terminating. */
  pods: ObservedPod[];
  /** Children in the request, as `Kind/name`. */
  observedChildren: string[];
  /** `spec.replicas` of the StatefulSet in the request, if one was observed. */
  observedReplicas?: number;
  /** Children in the response, as `Kind/name`. */
  desiredChildren?: string[];
  status?: JsonObject;
  finalized?: boolean;
  resyncAfterSeconds?: number;
}

export interface ObservedPod {
  name: string;
  role: string | undefined;
  ready: boolean;
  terminating: boolean;
}

export interface ParentState {
  lastSyncAt: number;
  resyncAt?: number;
  failed: boolean;
}

export interface MetacontrollerOptions {
  store: ApiStore;
  hooks: HookServer;
  clock: SimClock;
  /** The CompositeControllers to run, each on its own parent resource. */
  controllers: readonly CompositeController[];
  /** The DecoratorControllers to run (decorator-loop.ts), e.g. the optional components'. */
  decorators?: readonly DecoratorController[];
  trace?: (line: string) => void;
  /**
   * How long watch events take to reach Metacontroller's informers (triggers.ts): syncs read children
   * and related objects from caches this many seconds old. 0 (the default): at once, from the store.
   */
  informerLagSeconds?: number;
}

export type ObjectMap = Record<string, Record<string, KubeObject>>;

/** What the controllers of one Metacontroller share: the API, the hook service and the records. */
export interface Shared {
  /** The options, with the hook service behind the ETag cache of the hooks that enable it (etag.ts). */
  o: Omit<MetacontrollerOptions, 'hooks'> & { hooks: HookClient };
  history: SyncRecord[];
  problems: string[];
  errors: string[];
  failures: HookAnswer[];
  /** One apply cache for every controller, as upstream's package-level `lastUpdatedCache`. */
  applier: ServerSideApplier;
  /** The shared informers every controller's triggers and reads go through (triggers.ts). */
  informers: Informers;
  nextSeq(): number;
}
