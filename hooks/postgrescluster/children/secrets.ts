/**
 * Credential Secrets: the superuser, the replication user and the application owner.
 *
 * A password never rotates by accident (docs/architecture.md rule 6): it is the observed Secret's when there is one,
 * otherwise HMAC-SHA256(operator key, `<uid>/<purpose>`), so a request with a stale cache that misses
 * the Secret renders the very same password. Secrets are `OnDelete` children: once created they are
 * never rewritten, and the pods read the password from the Secret, not from this rendering.
 */
import { createHmac } from 'node:crypto';
import type { V1Secret } from '@kubernetes/client-node';
import type { Child, KubeObject } from '../../lib/k8s.js';
import {
  clusterNames,
  COMPONENTS,
  type Component,
  type CredentialPurpose,
  DB_USERS,
  PORTS,
  serviceHost,
} from '../names.js';
import type { ResolvedCluster } from '../spec/resolved.js';
import { childMetadata, PROTECTED_ANNOTATION } from './metadata.js';

/** One database login and where to use it. */
export interface Credential {
  purpose: CredentialPurpose;
  username: string;
  password: string;
  dbname: string;
}

export type Credentials = Record<CredentialPurpose, Credential>;

/**
 * What a cluster-level password is for: the three credentials, the login roles of the optional
 * features (the pooler's lookup role, the monitoring role) and Patroni's REST API. Part of the HMAC
 * input, so each differs.
 */
export type PasswordPurpose = CredentialPurpose | 'pooler' | 'monitoring' | 'patroni-api';

/** The password derived for a purpose when no Secret holds one: base64url without padding. */
export function derivePassword(operatorKey: Uint8Array, uid: string, purpose: PasswordPurpose): string {
  return rotatedPassword(operatorKey, uid, { purpose, generation: 0 });
}

/**
 * The password of a rotation generation (spec.credentialRotation). The generation is part of the
 * HMAC input above 0, so each generation has its own password and generation 0 keeps the one clusters
 * always had.
 */
export function rotatedPassword(
  operatorKey: Uint8Array,
  uid: string,
  o: { purpose: PasswordPurpose; generation: number },
): string {
  const input = o.generation > 0 ? `${uid}/${o.purpose}/${String(o.generation)}` : `${uid}/${o.purpose}`;
  return createHmac('sha256', operatorKey).update(input).digest('base64url');
}

/** The bytes of an observed Secret's `data.password`, or undefined when it has none. */
export function observedPasswordBytes(secret: KubeObject | undefined): Buffer | undefined {
  const data = secret?.['data'];
  if (data === null || typeof data !== 'object') return undefined;
  const encoded = (data as Record<string, unknown>)['password'];
  if (typeof encoded !== 'string' || encoded === '') return undefined;
  const bytes = Buffer.from(encoded, 'base64');
  return bytes.length === 0 ? undefined : bytes;
}

/** The decoded `data.password` of an observed Secret, or undefined when it has none. */
export function observedPassword(secret: KubeObject | undefined): string | undefined {
  return observedPasswordBytes(secret)?.toString('utf8');
}

export interface CredentialInputs {
  operatorKey: Uint8Array;
  observedSecrets: Readonly<Record<string, KubeObject>>;
  /**
   * Passwords a new Secret starts from instead of a derived one: a standby's copies of its source's
   * (standby/credentials.ts), since its data, and so its roles, are the source's.
   */
  seedPasswords?: Readonly<Partial<Record<CredentialPurpose, string>>>;
}

/**
 * The password of the Secret `secretName` when it holds one, else the one derived for `purpose` and
 * the requested rotation `generation` (default 0).
 */
export function keptPassword(
  inputs: CredentialInputs,
  o: { uid: string; secretName: string; purpose: PasswordPurpose; generation?: number },
): string {
  return (
    observedPassword(inputs.observedSecrets[o.secretName]) ??
    rotatedPassword(inputs.operatorKey, o.uid, { purpose: o.purpose, generation: o.generation ?? 0 })
  );
}

/** The three credentials of a cluster, each password reused or derived. */
export function resolveCredentials(cluster: ResolvedCluster, inputs: CredentialInputs): Credentials {
  const names = clusterNames(cluster).secrets;
  const password = (purpose: CredentialPurpose): string =>
    observedPassword(inputs.observedSecrets[names[purpose]]) ??
    inputs.seedPasswords?.[purpose] ??
    keptPassword(inputs, {
      uid: cluster.uid,
      secretName: names[purpose],
      purpose,
      generation: cluster.credentialRotation[purpose],
    });
  const credential = (purpose: CredentialPurpose, username: string, dbname: string): Credential => ({
    purpose,
    username,
    password: password(purpose),
    dbname,
  });
  return {
    superuser: credential('superuser', DB_USERS.superuser, 'postgres'),
    replication: credential('replication', DB_USERS.replication, 'postgres'),
    app: credential('app', cluster.bootstrap.owner, cluster.bootstrap.database),
  };
}

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

/** The Secret's keys, in clear (the builder encodes them). */
export function secretFields(cluster: ResolvedCluster, credential: Credential): Record<string, string> {
  const host = serviceHost(cluster, clusterNames(cluster).primaryService);
  const port = String(PORTS.postgresql.port);
  const user = encodeURIComponent(credential.username);
  const pw = encodeURIComponent(credential.password);
  const db = encodeURIComponent(credential.dbname);
  return {
    username: credential.username,
    password: credential.password,
    host,
    port,
    dbname: credential.dbname,
    uri: `postgresql://${user}:${pw}@${host}:${port}/${db}`,
    'jdbc-uri': `jdbc:postgresql://${host}:${port}/${db}?user=${user}&password=${pw}`,
  };
}

/** One credential Secret (base64 `data`, protected from being dropped). */
export function buildSecret(cluster: ResolvedCluster, credential: Credential): Child<V1Secret> {
  const fields = secretFields(cluster, credential);
  const data = Object.fromEntries(
    Object.keys(fields)
      .sort()
      .map((k) => [k, b64(fields[k] ?? '')]),
  );
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: childMetadata(cluster, {
      name: clusterNames(cluster).secrets[credential.purpose],
      component: COMPONENTS.credentials,
      annotations: PROTECTED_ANNOTATION,
    }),
    type: 'Opaque',
    data,
  };
}

/** The superuser, replication and application Secrets. */
export function buildSecrets(cluster: ResolvedCluster, credentials: Credentials): Child<V1Secret>[] {
  return [credentials.superuser, credentials.replication, credentials.app].map((c) =>
    buildSecret(cluster, c),
  );
}

/**
 * The Secret of a psql Job that sets a role's password, under the Job's own name: the SCRAM verifier
 * the script sends instead of the password (../scram.ts), so the plain text never reaches the
 * server. Immutable: the Job's name is a hash of the password, so a new password is a new Secret.
 */
export function buildVerifierSecret(
  cluster: ResolvedCluster,
  o: { name: string; component: Component; verifier: string },
): Child<V1Secret> {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: childMetadata(cluster, { name: o.name, component: o.component }),
    type: 'Opaque',
    immutable: true,
    data: { [VERIFIER_KEY]: Buffer.from(o.verifier, 'utf8').toString('base64') },
  };
}

/** The key of {@link buildVerifierSecret}'s Secret. */
export const VERIFIER_KEY = 'verifier';
