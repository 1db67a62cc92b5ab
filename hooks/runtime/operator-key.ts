/**
 * The operator key from which missing credentials are derived (docs/architecture.md rule 6). It must survive
 * restarts, or a cluster created while its Secret was not yet observed would get another password.
 * Order: explicit key (file/variable) > in-cluster Secret, filled or created on first start > ephemeral.
 *
 * The install creates the Secret empty (manifests/hooks/operator-key-secret.yaml) so the service
 * account needs only `get` and `update` on that one name: `create` cannot be limited to a name in
 * RBAC, and would let the service create any Secret in its namespace (docs/security.md, "RBAC").
 * Creating it when absent stays for installs that grant `create`.
 */
import { randomBytes } from 'node:crypto';
import type * as ClientNodeModule from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { MIN_KEY_BYTES, type Config } from '../config.js';

export const KEY_DATA_FIELD = 'key';

/**
 * The Secret calls the service makes; `create` says `exists` and `fill` says `taken` when someone
 * was faster. `fill` writes data into an existing Secret that has none, conditionally on the
 * resourceVersion it read, so two replicas never both believe their key was stored.
 */
export interface SecretApi {
  read(ref: SecretRef): Promise<Record<string, string> | undefined>;
  create(ref: SecretRef, data: Record<string, string>): Promise<'created' | 'exists'>;
  fill(ref: SecretRef, data: Record<string, string>): Promise<'filled' | 'taken'>;
}

export interface SecretRef {
  namespace: string;
  secretName: string;
}

export async function resolveOperatorKey(
  config: Config,
  logger: Logger,
  api: () => Promise<SecretApi> = inClusterSecretApi,
): Promise<Uint8Array> {
  if (config.operatorKey) return config.operatorKey;
  if (config.inCluster) return readOrCreateKey(await api(), config.inCluster, logger);
  logger.warn(
    'no operator key configured and not in a cluster: using an ephemeral key; ' +
      'passwords derived for Secrets not yet created will differ after a restart ' +
      '(set PGMETA_OPERATOR_KEY_FILE or PGMETA_OPERATOR_KEY)',
  );
  return new Uint8Array(randomBytes(32));
}

/**
 * Read the Secret; fill it if it exists without a key (the install's empty one), create it if
 * absent; if another replica won the race, read theirs.
 */
export async function readOrCreateKey(api: SecretApi, ref: SecretRef, logger: Logger): Promise<Uint8Array> {
  const found = await api.read(ref);
  const existing = found?.[KEY_DATA_FIELD];
  if (existing) return decode(existing, ref);
  const key = randomBytes(32);
  const data = { [KEY_DATA_FIELD]: key.toString('base64') };
  const outcome = found ? await api.fill(ref, data) : await api.create(ref, data);
  if (outcome === 'created' || outcome === 'filled') {
    logger.info({ secret: ref.secretName }, `${outcome} the operator key Secret`);
    return new Uint8Array(key);
  }
  // Another replica created or filled it between our read and our write: use theirs.
  const winner = (await api.read(ref))?.[KEY_DATA_FIELD];
  if (!winner) throw new Error(`operator key Secret ${ref.secretName} exists but has no "${KEY_DATA_FIELD}"`);
  return decode(winner, ref);
}

/**
 * A key someone put in the Secret by hand must be as strong as one we create: every derived password
 * is only as hard to guess as the key, so a short one stops the service rather than weakening them.
 */
function decode(base64: string, ref: SecretRef): Uint8Array {
  const key = new Uint8Array(Buffer.from(base64, 'base64'));
  if (key.length < MIN_KEY_BYTES) {
    throw new Error(
      `operator key in Secret ${ref.namespace}/${ref.secretName} (key "${KEY_DATA_FIELD}") is ` +
        `${key.length} bytes; at least ${MIN_KEY_BYTES} are required`,
    );
  }
  return key;
}

type ClientNode = typeof ClientNodeModule;

/** One client for the service's Secret calls, from the pod's service account. */
export async function inClusterSecretApi(): Promise<SecretApi> {
  const k8s = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  kc.loadFromCluster();
  return clientNodeSecretApi(k8s, kc);
}

/** SecretApi over @kubernetes/client-node 1.x (errors carry the HTTP status in `code`). */
export function clientNodeSecretApi(k8s: ClientNode, kc: InstanceType<ClientNode['KubeConfig']>): SecretApi {
  const api = kc.makeApiClient(k8s.CoreV1Api);
  return {
    async read(ref) {
      try {
        const secret = await api.readNamespacedSecret({ name: ref.secretName, namespace: ref.namespace });
        return secret.data ?? {};
      } catch (e) {
        if ((e as { code?: number }).code === 404) return undefined;
        throw e;
      }
    },
    async fill(ref, data) {
      const secret = await api.readNamespacedSecret({ name: ref.secretName, namespace: ref.namespace });
      if (Object.keys(secret.data ?? {}).length > 0) return 'taken';
      // A replace carrying the resourceVersion just read: 409 if anyone wrote in between.
      try {
        await api.replaceNamespacedSecret({
          name: ref.secretName,
          namespace: ref.namespace,
          body: Object.assign(secret, { data }),
        });
        return 'filled';
      } catch (e) {
        if ((e as { code?: number }).code === 409) return 'taken';
        throw e;
      }
    },
    async create(ref, data) {
      const body = Object.assign(new k8s.V1Secret(), {
        metadata: Object.assign(new k8s.V1ObjectMeta(), {
          name: ref.secretName,
          labels: { 'app.kubernetes.io/managed-by': 'pgmeta' },
        }),
        type: 'Opaque',
        data,
      });
      try {
        await api.createNamespacedSecret({ namespace: ref.namespace, body });
        return 'created';
      } catch (e) {
        if ((e as { code?: number }).code === 409) return 'exists';
        throw e;
      }
    },
  };
}
