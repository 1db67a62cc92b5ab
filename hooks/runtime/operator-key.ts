/**
 * The operator key from which missing credentials are derived (DESIGN rule 6). It must survive
 * restarts, or a cluster created while its Secret was not yet observed would get another password.
 * Order: explicit key (file/variable) > in-cluster Secret, created on first start > ephemeral.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from '../config.js';

const DATA_KEY = 'key';

export async function resolveOperatorKey(config: Config, logger: Logger): Promise<Uint8Array> {
  if (config.operatorKey) return config.operatorKey;
  if (config.inCluster) return readOrCreateSecret(config.inCluster, logger);
  logger.warn(
    'no operator key configured and not in a cluster: using an ephemeral key; ' +
      'passwords derived for Secrets not yet created will differ after a restart ' +
      '(set PGMETA_OPERATOR_KEY_FILE or PGMETA_OPERATOR_KEY)',
  );
  return new Uint8Array(randomBytes(32));
}

interface SecretRef {
  namespace: string;
  secretName: string;
}

/** Read the Secret; create it if absent; if another replica won the race, read theirs. */
async function readOrCreateSecret(ref: SecretRef, logger: Logger): Promise<Uint8Array> {
  const k8s = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  kc.loadFromCluster();
  const api = kc.makeApiClient(k8s.CoreV1Api);
  const read = async (): Promise<Uint8Array | undefined> => {
    try {
      const secret = await api.readNamespacedSecret({ name: ref.secretName, namespace: ref.namespace });
      const value = secret.data?.[DATA_KEY];
      return value ? new Uint8Array(Buffer.from(value, 'base64')) : undefined;
    } catch (e) {
      if ((e as { code?: number }).code === 404) return undefined;
      throw e;
    }
  };
  const existing = await read();
  if (existing) return existing;
  const key = randomBytes(32);
  try {
    await api.createNamespacedSecret({
      namespace: ref.namespace,
      body: Object.assign(new k8s.V1Secret(), {
        metadata: Object.assign(new k8s.V1ObjectMeta(), {
          name: ref.secretName,
          labels: { 'app.kubernetes.io/managed-by': 'pgmeta' },
        }),
        type: 'Opaque',
        data: { [DATA_KEY]: key.toString('base64') },
      }),
    });
    logger.info({ secret: ref.secretName }, 'created the operator key Secret');
    return new Uint8Array(key);
  } catch (e) {
    if ((e as { code?: number }).code !== 409) throw e;
    // Another replica created it between our read and our create: use theirs.
    const winner = await read();
    if (!winner) {
      throw new Error(`operator key Secret ${ref.secretName} exists but has no "${DATA_KEY}"`, { cause: e });
    }
    return winner;
  }
}
