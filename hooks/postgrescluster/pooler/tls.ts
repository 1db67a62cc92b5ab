/**
 * Where a pooler's TLS certificate comes from. With TLS disabled there is none. With an issuer, it is
 * the cluster's cert-manager certificate. Without one,
 * an init container makes a self-signed certificate for the pooler's Service names into a memory
 * volume at every pod start (the hook cannot make one: it is pure and deterministic, and a private
 * key must not be derivable by anyone holding the hook's inputs). It uses the cluster's Spilo image,
 * which ships openssl for the very same purpose.
 */
import type { V1Container, V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import type { Plain } from '../../lib/k8s.js';
import { issuerOf, serviceDnsNames, tlsSecretName } from '../tls/index.js';
import { type PooledCluster, POOLER_PATHS } from './ini.js';
import { type PoolerRole, poolerNames } from './names.js';

export interface PoolerTls {
  initContainers: Plain<V1Container>[];
  volumes: Plain<V1Volume>[];
  mounts: Plain<V1VolumeMount>[];
}

const TLS_VOLUME = 'tls';

/** The openssl command of the init container (ECDSA P-256, ten years, the Service's names). */
export function selfSignedScript(cluster: PooledCluster, role: PoolerRole): string {
  const names = serviceDnsNames(cluster, poolerNames(cluster, role).name);
  return [
    'set -eu',
    'openssl req -x509 -nodes -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -days 3650 \\',
    `  -subj '/CN=${names[2] ?? ''}' -addext 'subjectAltName=${names.map((n) => `DNS:${n}`).join(',')}' \\`,
    `  -keyout ${POOLER_PATHS.tlsKey} -out ${POOLER_PATHS.tlsCert}`,
    `chmod 0600 ${POOLER_PATHS.tlsKey}`,
  ].join('\n');
}

function selfSigned(cluster: PooledCluster, role: PoolerRole): PoolerTls {
  const mount = { name: TLS_VOLUME, mountPath: POOLER_PATHS.tlsDir };
  return {
    initContainers: [
      {
        name: 'self-signed-certificate',
        image: cluster.image,
        command: ['/bin/sh', '-c', selfSignedScript(cluster, role)],
        resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '64Mi' } },
        securityContext: {
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
          readOnlyRootFilesystem: true,
        },
        volumeMounts: [mount],
      },
    ],
    // Memory-backed: the private key never touches the node's disk.
    volumes: [{ name: TLS_VOLUME, emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } }],
    mounts: [{ ...mount, readOnly: true }],
  };
}

/**
 * With an issuer: the cluster's cert-manager Secret, which names the pooler Services too and holds
 * the CA PgBouncer verifies PostgreSQL against. Group-readable for the pgbouncer group only.
 */
function issued(cluster: PooledCluster): PoolerTls {
  return {
    initContainers: [],
    volumes: [{ name: TLS_VOLUME, secret: { secretName: tlsSecretName(cluster), defaultMode: 0o440 } }],
    mounts: [{ name: TLS_VOLUME, mountPath: POOLER_PATHS.tlsDir, readOnly: true }],
  };
}

/** The certificate volumes, mounts and init containers of one pooler's pods. */
export function poolerTls(cluster: PooledCluster, role: PoolerRole): PoolerTls {
  if (!cluster.tls.enabled) return { initContainers: [], volumes: [], mounts: [] };
  return issuerOf(cluster) ? issued(cluster) : selfSigned(cluster, role);
}
