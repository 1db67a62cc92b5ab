import { describe, expect, it } from '@jest/globals';
import type { V1Job, V1Secret } from '@kubernetes/client-node';
import type { Child } from '../../../../hooks/lib/k8s.js';
import {
  BOOTSTRAP_SCRIPT,
  BOOTSTRAP_SQL,
  bootstrapHash,
  buildBootstrapJob,
} from '../../../../hooks/postgrescluster/children/bootstrap-job.js';
import { patroniLabels, podSelector } from '../../../../hooks/postgrescluster/names.js';
import { aCluster, envMap } from '../../../support/cluster-fixture.js';

const KEY = new Uint8Array(32).fill(3);
const inputs = { operatorKey: KEY, appPassword: 'pw-1' };

function job(builder = aCluster(), i = inputs) {
  const [j, secret] = buildBootstrapJob(builder.build(), i) as [Child<V1Job>, Child<V1Secret>];
  const pod = j.spec!.template.spec!;
  return { job: j, secret, pod, container: pod.containers[0]! };
}

describe('bootstrap Job name', () => {
  it('is <cluster>-bootstrap-<8 hex>', () => {
    expect(job(aCluster().withName('demo')).job.metadata.name).toMatch(/^demo-bootstrap-[0-9a-f]{8}$/);
  });

  it('is stable for the same inputs', () => {
    expect(job().job.metadata.name).toBe(job().job.metadata.name);
  });

  it.each([
    ['owner', aCluster().withBootstrap({ owner: 'shop' }), inputs],
    ['database', aCluster().withBootstrap({ database: 'orders' }), inputs],
    ['password', aCluster(), { ...inputs, appPassword: 'pw-2' }],
  ] as const)('changes when the %s changes, so the Job runs again', (_what, builder, i) => {
    expect(job(builder, i).job.metadata.name).not.toBe(job().job.metadata.name);
  });

  it.each([
    ['replicas', aCluster().withReplicas(5)],
    ['image', aCluster().withImage('example/spilo:other')],
    ['parameters', aCluster().withParams({ work_mem: '1GB' })],
  ] as const)('does not change with %s (nothing the Job applies)', (_what, builder) => {
    expect(job(builder).job.metadata.name).toBe(job().job.metadata.name);
  });

  it('does not reveal the password', () => {
    const j = JSON.stringify(job(aCluster(), { operatorKey: KEY, appPassword: 'very-secret-value' }).job);
    expect(j).not.toContain('very-secret-value');
    expect(bootstrapHash(aCluster().build(), inputs)).toMatch(/^[0-9a-f]{8}$/);
  });
});

describe('bootstrap Job spec', () => {
  it('is bounded and never deleted by the TTL controller', () => {
    const { job: j, pod } = job();
    expect(j).toMatchObject({ apiVersion: 'batch/v1', kind: 'Job' });
    expect(j.spec).not.toHaveProperty('ttlSecondsAfterFinished');
    expect(j.spec!.backoffLimit).toBeGreaterThan(0);
    expect(j.spec!.activeDeadlineSeconds).toBeGreaterThan(0);
    expect(['OnFailure', 'Never']).toContain(pod.restartPolicy);
  });

  it('runs the cluster image as a non-root user without a service account token', () => {
    const { pod, container } = job(aCluster().withImage('example/spilo:17'));
    expect(container.image).toBe('example/spilo:17');
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 101,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  it('connects to the primary Service as the superuser, with passwords only from Secrets', () => {
    const env = envMap(
      job(
        aCluster()
          .withName('demo')
          .withNamespace('prod')
          .withBootstrap({ owner: 'shop', database: 'orders' }),
      ).container.env,
    );
    expect(env).toMatchObject({
      PGHOST: 'demo.prod.svc',
      PGPORT: '5432',
      PGDATABASE: 'postgres',
      APP_OWNER: 'shop',
      APP_DATABASE: 'orders',
      PGUSER: { secretKeyRef: { name: 'demo-superuser', key: 'username' } },
      PGPASSWORD: { secretKeyRef: { name: 'demo-superuser', key: 'password' } },
    });
  });

  it("reads the owner's SCRAM verifier, never the password, from the Job's own Secret (issue 15)", () => {
    const { job: j, secret, container } = job(aCluster().withName('demo'));
    const env = envMap(container.env);
    expect(env['APP_VERIFIER']).toEqual({ secretKeyRef: { name: j.metadata.name, key: 'verifier' } });
    expect(Object.values(env)).not.toContainEqual({ secretKeyRef: { name: 'demo-app', key: 'password' } });
    expect(secret).toMatchObject({ kind: 'Secret', immutable: true, metadata: { name: j.metadata.name } });
    const verifier = Buffer.from(secret.data!['verifier']!, 'base64').toString('utf8');
    expect(verifier).toMatch(
      /^SCRAM-SHA-256\$4096:[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=:[A-Za-z0-9+/]{43}=$/,
    );
    expect(JSON.stringify(secret)).not.toContain(Buffer.from('pw-1').toString('base64'));
  });

  it.each([
    [true, 'require'],
    [false, undefined],
  ])('with TLS enabled=%s uses PGSSLMODE=%s', (tls, mode) => {
    expect(envMap(job(aCluster().withTls(tls)).container.env)['PGSSLMODE']).toBe(mode);
  });

  it('waits for the primary, then runs the SQL with psql stopping on the first error', () => {
    const { container } = job();
    expect(container.command).toEqual(['/bin/sh', '-c', BOOTSTRAP_SCRIPT]);
    expect(BOOTSTRAP_SCRIPT).toMatch(/until pg_isready/);
    expect(BOOTSTRAP_SCRIPT).toContain('ON_ERROR_STOP=1');
    expect(BOOTSTRAP_SCRIPT).toContain("<<'SQL'");
  });

  it('its pods are neither database pods nor Patroni members', () => {
    const cluster = aCluster().build();
    const labels = job().job.spec!.template.metadata!.labels!;
    const matches = (sel: Record<string, string>): boolean =>
      Object.entries(sel).every(([k, v]) => labels[k] === v);
    expect(matches(podSelector(cluster))).toBe(false);
    expect(matches(patroniLabels(cluster))).toBe(false);
  });
});

describe('bootstrap SQL', () => {
  it('creates the role and the database only when missing (\\gexec)', () => {
    expect(BOOTSTRAP_SQL).toMatch(/CREATE ROLE %I'.*\n.*WHERE NOT EXISTS .*pg_roles.*\\gexec/);
    expect(BOOTSTRAP_SQL).toMatch(
      /CREATE DATABASE %I OWNER %I'.*\n.*WHERE NOT EXISTS .*pg_database.*\\gexec/,
    );
  });

  it('sets the password from a psql variable and quotes every identifier', () => {
    expect(BOOTSTRAP_SQL).toContain(`ALTER ROLE :"owner" WITH LOGIN PASSWORD :'pw';`);
    expect(BOOTSTRAP_SQL).toContain('ALTER DATABASE :"db" OWNER TO :"owner";');
    expect(BOOTSTRAP_SQL).not.toMatch(/\$APP_|\|\|/);
  });
});
