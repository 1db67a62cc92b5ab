/** The Kubernetes API as a Job's pod reaches it, under the Job's own RBAC (../sim/rbac.ts). */
import type { KubeObject } from '../../../hooks/lib/k8s';
import { ApiError, type ApiStore } from '../lib/store';
import { specOf } from '../sim/context';
import { authorized, jobIdentity } from '../sim/rbac';

const KINDS: Readonly<Record<string, { kind: string; group: string }>> = {
  pods: { kind: 'Pod', group: '' },
  persistentvolumeclaims: { kind: 'PersistentVolumeClaim', group: '' },
  endpoints: { kind: 'Endpoints', group: '' },
  configmaps: { kind: 'ConfigMap', group: '' },
  services: { kind: 'Service', group: '' },
  statefulsets: { kind: 'StatefulSet', group: 'apps' },
  secrets: { kind: 'Secret', group: '' },
};

/** The Kubernetes API as the Job's pod sees it: its ServiceAccount, its namespace, HTTP-like answers. */
export class JobKube {
  private readonly sa: string | undefined;
  private readonly ns: string;
  private readonly store: ApiStore;

  constructor(job: KubeObject, store: ApiStore) {
    this.store = store;
    this.sa = jobIdentity(job);
    this.ns = job.metadata.namespace ?? '';
  }

  private allowed(resource: string, verb: string, name: string): number {
    const kind = KINDS[resource];
    if (!kind) throw new Error(`job-effects: unknown resource ${resource}`);
    if (this.sa === undefined) return 401;
    const ok = authorized(this.store, this.sa, {
      namespace: this.ns,
      group: kind.group,
      resource,
      verb,
      name,
    });
    return ok ? 200 : 403;
  }

  get(resource: string, name: string): { status: number; body?: KubeObject } {
    const code = this.allowed(resource, 'get', name);
    if (code !== 200) return { status: code };
    const body = this.store.get({ kind: KINDS[resource]?.kind ?? '', namespace: this.ns, name });
    return body ? { status: 200, body } : { status: 404 };
  }

  delete(resource: string, name: string, uid?: string): number {
    const code = this.allowed(resource, 'delete', name);
    if (code !== 200) return code;
    try {
      this.store.delete(
        { kind: KINDS[resource]?.kind ?? '', namespace: this.ns, name },
        {
          actor: `job:${this.sa ?? ''}`,
          ...(uid === undefined ? {} : { uid }),
        },
      );
      return 200;
    } catch (err) {
      if (err instanceof ApiError) return err.code;
      throw err;
    }
  }

  /** A JSON merge patch of one claim's storage request. */
  patchStorage(name: string, size: string): { status: number; message?: string } {
    const code = this.allowed('persistentvolumeclaims', 'patch', name);
    if (code !== 200) return { status: code };
    const pvc = this.store.get({ kind: 'PersistentVolumeClaim', namespace: this.ns, name });
    if (!pvc) return { status: 404 };
    const spec = specOf(pvc);
    const resources = (spec['resources'] ?? {}) as { requests?: Record<string, string> };
    pvc['spec'] = {
      ...spec,
      resources: { ...resources, requests: { ...resources.requests, storage: size } },
    };
    try {
      this.store.update(pvc, `job:${this.sa ?? ''}`);
      return { status: 200 };
    } catch (err) {
      if (err instanceof ApiError) return { status: err.code, message: err.message };
      throw err;
    }
  }

  /**
   * A JSON merge patch (RFC 7386) of a Secret's `data` and `metadata.annotations`, the two parts the
   * rotation Job patches: the given keys replaced, the others kept.
   */
  patchSecret(
    name: string,
    patch: { annotations: Record<string, string>; data: Record<string, string> },
  ): { status: number; message?: string } {
    const code = this.allowed('secrets', 'patch', name);
    if (code !== 200) return { status: code };
    const secret = this.store.get({ kind: 'Secret', namespace: this.ns, name });
    if (!secret) return { status: 404 };
    const data = { ...(secret['data'] as Record<string, string> | undefined), ...patch.data };
    const annotations = { ...secret.metadata.annotations, ...patch.annotations };
    try {
      this.store.update(
        { ...secret, metadata: { ...secret.metadata, annotations }, data },
        `job:${this.sa ?? ''}`,
      );
      return { status: 200 };
    } catch (err) {
      if (err instanceof ApiError) return { status: err.code, message: err.message };
      throw err;
    }
  }
}
