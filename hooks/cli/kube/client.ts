/**
 * The CLI's view of the Kubernetes API over @kubernetes/client-node (imported only by commands that
 * talk to a cluster: it is the slowest module to load). Objects come back as the JSON the API server
 * sent (models are serialized back, so timestamps are strings as in `kubectl get -o json`).
 * The kubeconfig is read as kubectl reads it: `--kubeconfig`, else $KUBECONFIG, else ~/.kube/config,
 * or the pod's service account; `--context` picks a context; the namespace is `-n`, else the
 * context's, else `default`.
 */
import type * as ClientNode from '@kubernetes/client-node';
import type { KubeObject } from '../../lib/k8s.js';
import { flagValue, type Parsed } from '../args.js';
import type { CliIo } from '../io.js';
import { CliError } from '../main.js';
import { apiError, httpCode } from './errors.js';

export type K8s = typeof ClientNode;
export type KubeConfig = InstanceType<K8s['KubeConfig']>;

/** The pgmeta kinds (CustomObjectsApi) and the built-in kinds the CLI reads (typed APIs). */
const PGMETA: Record<string, string> = {
  PostgresCluster: 'postgresclusters',
  PostgresBackup: 'postgresbackups',
  PostgresDatabase: 'postgresdatabases',
};
type Api = 'CoreV1Api' | 'AppsV1Api' | 'BatchV1Api' | 'PolicyV1Api';
const BUILTIN: Record<string, { api: Api; method: string }> = {
  Pod: { api: 'CoreV1Api', method: 'listNamespacedPod' },
  Service: { api: 'CoreV1Api', method: 'listNamespacedService' },
  Endpoints: { api: 'CoreV1Api', method: 'listNamespacedEndpoints' },
  Secret: { api: 'CoreV1Api', method: 'listNamespacedSecret' },
  ConfigMap: { api: 'CoreV1Api', method: 'listNamespacedConfigMap' },
  PersistentVolumeClaim: { api: 'CoreV1Api', method: 'listNamespacedPersistentVolumeClaim' },
  Event: { api: 'CoreV1Api', method: 'listNamespacedEvent' },
  StatefulSet: { api: 'AppsV1Api', method: 'listNamespacedStatefulSet' },
  Deployment: { api: 'AppsV1Api', method: 'listNamespacedDeployment' },
  Job: { api: 'BatchV1Api', method: 'listNamespacedJob' },
  PodDisruptionBudget: { api: 'PolicyV1Api', method: 'listNamespacedPodDisruptionBudget' },
};

export interface Selector {
  labelSelector?: string;
  fieldSelector?: string;
}

export class Kube {
  readonly k8s: K8s;
  readonly kc: KubeConfig;
  readonly namespace: string;
  readonly server: string;

  constructor(k8s: K8s, kc: KubeConfig, namespace: string) {
    this.k8s = k8s;
    this.kc = kc;
    this.namespace = namespace;
    this.server = kc.getCurrentCluster()?.server ?? '(no server)';
  }

  private custom(): InstanceType<K8s['CustomObjectsApi']> {
    return this.kc.makeApiClient(this.k8s.CustomObjectsApi);
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw apiError(e, this.server);
    }
  }

  private plural(kind: string): string {
    const p = PGMETA[kind];
    if (!p) throw new Error(`not a pgmeta kind: ${kind}`);
    return p;
  }

  /** A pgmeta object, or undefined when it does not exist. */
  async get(kind: string, name: string): Promise<KubeObject | undefined> {
    try {
      return (await this.custom().getNamespacedCustomObject({
        group: 'pgmeta.io',
        version: 'v1alpha1',
        namespace: this.namespace,
        plural: this.plural(kind),
        name,
      })) as KubeObject;
    } catch (e) {
      if (httpCode(e) === 404) return undefined;
      throw apiError(e, this.server);
    }
  }

  /** The named PostgresCluster; a clear error when there is none. */
  async cluster(name: string): Promise<KubeObject> {
    const c = await this.get('PostgresCluster', name);
    if (!c)
      throw new CliError(
        `PostgresCluster ${JSON.stringify(name)} not found in namespace ${JSON.stringify(this.namespace)}`,
      );
    return c;
  }

  async list(kind: string, sel: Selector = {}): Promise<KubeObject[]> {
    const plural = PGMETA[kind];
    if (plural) {
      const res: unknown = await this.call(() =>
        this.custom().listNamespacedCustomObject({
          group: 'pgmeta.io',
          version: 'v1alpha1',
          namespace: this.namespace,
          plural,
          ...sel,
        }),
      );
      return ((res as { items?: KubeObject[] }).items ?? []).map((o) => ({
        ...o,
        apiVersion: 'pgmeta.io/v1alpha1',
        kind,
      }));
    }
    const b = BUILTIN[kind];
    if (!b) throw new Error(`the CLI does not list ${kind}`);
    const ctor = this.k8s[b.api] as unknown as Parameters<KubeConfig['makeApiClient']>[0];
    const api = this.kc.makeApiClient(ctor) as unknown as Record<
      string,
      (p: object) => Promise<{ items: unknown[] }>
    >;
    const res = await this.call(() =>
      (api[b.method] as (p: object) => Promise<{ items: unknown[] }>).call(api, {
        namespace: this.namespace,
        ...sel,
      }),
    );
    // The models' Dates become RFC 3339 strings again; their property names are the JSON ones for these kinds.
    const apiVersion =
      b.api === 'CoreV1Api'
        ? 'v1'
        : b.api === 'AppsV1Api'
          ? 'apps/v1'
          : b.api === 'BatchV1Api'
            ? 'batch/v1'
            : 'policy/v1';
    return res.items.map((o) => ({ ...(JSON.parse(JSON.stringify(o)) as KubeObject), apiVersion, kind }));
  }

  async create(kind: string, body: KubeObject): Promise<KubeObject> {
    return (await this.call(() =>
      this.custom().createNamespacedCustomObject({
        group: 'pgmeta.io',
        version: 'v1alpha1',
        namespace: this.namespace,
        plural: this.plural(kind),
        body,
      }),
    )) as KubeObject;
  }

  /** A JSON merge patch (RFC 7386): `null` removes a key. */
  async mergePatch(kind: string, name: string, patch: object): Promise<KubeObject> {
    const opts = this.k8s.setHeaderOptions('Content-Type', this.k8s.PatchStrategy.MergePatch);
    return (await this.call(() =>
      this.custom().patchNamespacedCustomObject(
        {
          group: 'pgmeta.io',
          version: 'v1alpha1',
          namespace: this.namespace,
          plural: this.plural(kind),
          name,
          body: patch,
        },
        opts,
      ),
    )) as KubeObject;
  }
}

/** Loads client-node and the kubeconfig for a command's flags. */
export async function connect(p: Parsed, _io: CliIo): Promise<Kube> {
  const k8s = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  const file = flagValue(p, '--kubeconfig');
  try {
    if (file !== undefined) kc.loadFromFile(file);
    else kc.loadFromDefault();
  } catch (e) {
    throw new CliError(`cannot read the kubeconfig${file ? ` ${file}` : ''}: ${(e as Error).message}`);
  }
  const context = flagValue(p, '--context');
  if (context !== undefined) {
    if (!kc.getContextObject(context))
      throw new CliError(`no context ${JSON.stringify(context)} in the kubeconfig`);
    kc.setCurrentContext(context);
  }
  if (!kc.getCurrentCluster()) throw new CliError('the kubeconfig names no cluster (set a context)');
  const ns =
    flagValue(p, '-n', '--namespace') ?? kc.getContextObject(kc.getCurrentContext())?.namespace ?? 'default';
  return new Kube(k8s, kc, ns);
}
