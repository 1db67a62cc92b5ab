/**
 * One Secret per role with its credentials, in the keys applications expect (CloudNativePG's `-app`
 * Secret shape): username, password, host, port, dbname, uri and jdbc-uri.
 *
 * The password never rotates by accident (docs/architecture.md rule 6): it is the observed Secret's, or else
 * HMAC-SHA256(operator key, `<uid>/role/<role>`), so a hook answering from a stale cache derives the
 * same value. The Secrets are OnDelete children and annotated protected: the response builder
 * refuses a response that would delete one.
 */
import { createHmac } from 'node:crypto';
import type { KubeObject } from '../lib/k8s.js';
import type { ClusterEndpoint } from './cluster.js';
import { passwordToSend } from '../postgrescluster/scram.js';
import { ANNOTATIONS, childLabels, COMPONENTS, LABELS } from './names.js';
import type { ResolvedDatabase } from './spec/index.js';

/** The derived password of a role (used only when its Secret does not exist yet). */
export function derivePassword(key: Uint8Array, uid: string, role: string): string {
  return createHmac('sha256', key).update(`${uid}/role/${role}`).digest('base64url');
}

function b64(value: string): string {
  return Buffer.from(value, 'utf8').toString('base64');
}

/** The password stored in an observed Secret, if it has one. */
export function observedPassword(secret: KubeObject | undefined): string | undefined {
  const data = secret?.['data'] as Record<string, unknown> | undefined;
  const value = data?.['password'];
  return typeof value === 'string' ? Buffer.from(value, 'base64').toString('utf8') : undefined;
}

/** Connection strings with user, password and database percent-encoded (RFC 3986). */
export function connectionUris(c: {
  user: string;
  password: string;
  host: string;
  port: number;
  dbname: string;
}): {
  uri: string;
  jdbc: string;
} {
  const enc = encodeURIComponent;
  return {
    uri: `postgresql://${enc(c.user)}:${enc(c.password)}@${c.host}:${String(c.port)}/${enc(c.dbname)}`,
    jdbc: `jdbc:postgresql://${c.host}:${String(c.port)}/${enc(c.dbname)}?user=${enc(c.user)}&password=${enc(c.password)}`,
  };
}

/** The Secret of one role. */
export function roleSecret(opts: {
  db: ResolvedDatabase;
  role: string;
  secretName: string;
  password: string;
  endpoint: ClusterEndpoint;
}): KubeObject {
  const { db, role, password, endpoint } = opts;
  const dbname = db.model.database.name;
  const uris = connectionUris({ user: role, password, host: endpoint.host, port: endpoint.port, dbname });
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: opts.secretName,
      labels: childLabels(COMPONENTS.credentials),
      annotations: { [ANNOTATIONS.protected]: 'true', [ANNOTATIONS.role]: role },
    },
    type: 'Opaque',
    data: {
      dbname: b64(dbname),
      host: b64(endpoint.host),
      'jdbc-uri': b64(uris.jdbc),
      password: b64(password),
      port: b64(String(endpoint.port)),
      uri: b64(uris.uri),
      username: b64(role),
    },
  };
}

/**
 * An observed child sent back as it is, reduced to what pgmeta owns. For OnDelete children this only
 * keeps them from being deleted (Metacontroller never updates them).
 */
export function keepObserved(obj: KubeObject): KubeObject {
  const { name, namespace, labels, annotations } = obj.metadata;
  const owned = Object.fromEntries(
    ['type', 'immutable', 'data', 'spec'].filter((k) => obj[k] !== undefined).map((k) => [k, obj[k]]),
  );
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    metadata: {
      name,
      ...(namespace === undefined ? {} : { namespace }),
      ...(labels === undefined ? {} : { labels }),
      ...(annotations === undefined ? {} : { annotations: withoutLastApplied(annotations) }),
    },
    ...owned,
  };
}

function withoutLastApplied(annotations: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(annotations).filter(([k]) => !k.startsWith('metacontroller.k8s.io/')),
  );
}

/**
 * The Secrets of every declared role, plus every observed Secret of a role no longer declared: it is
 * protected, and if the role comes back its password is the same.
 */
export function desiredSecrets(opts: {
  db: ResolvedDatabase;
  observed: readonly KubeObject[];
  operatorKey: Uint8Array;
  endpoint: ClusterEndpoint;
}): { secrets: KubeObject[]; passwords: string[] } {
  const { db, observed, operatorKey, endpoint } = opts;
  const byName = new Map(observed.map((s) => [s.metadata.name, s]));
  const passwords = db.secrets.map(
    (s) => observedPassword(byName.get(s.secretName)) ?? derivePassword(operatorKey, db.uid, s.role),
  );
  const declared = db.secrets.map((s, i) =>
    roleSecret({ db, role: s.role, secretName: s.secretName, password: passwords[i] ?? '', endpoint }),
  );
  const names = new Set(db.secrets.map((s) => s.secretName));
  // A SQL Job's Secret goes with its Job (plan.ts), not with the roles.
  const kept = observed
    .filter((s) => !names.has(s.metadata.name) && s.metadata.labels?.[LABELS.component] !== COMPONENTS.sql)
    .map(keepObserved);
  return { secrets: [...declared, ...kept], passwords };
}

/**
 * What the SQL Job sets each role's password to: its SCRAM verifier, salted with HMAC(operator key,
 * `<uid>/role/<role>`), so the same password always gives the same verifier (and the same Job).
 */
export function roleVerifiers(opts: {
  db: ResolvedDatabase;
  passwords: readonly string[];
  operatorKey: Uint8Array;
}): { env: string; value: string }[] {
  return opts.db.secrets.map((s, i) => ({
    env: s.passwordEnv,
    value: passwordToSend({
      operatorKey: opts.operatorKey,
      purpose: `${opts.db.uid}/role/${s.role}`,
      password: opts.passwords[i] ?? '',
    }),
  }));
}

/**
 * The SQL Job's Secret, under the Job's name: the verifiers the script sets, one key per environment
 * variable. Immutable like the script's ConfigMap: its content is fixed by the name's hash.
 */
export function verifierSecret(
  name: string,
  verifiers: readonly { env: string; value: string }[],
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, labels: childLabels(COMPONENTS.sql) },
    type: 'Opaque',
    immutable: true,
    data: Object.fromEntries(verifiers.map((v) => [v.env, b64(v.value)])),
  };
}
