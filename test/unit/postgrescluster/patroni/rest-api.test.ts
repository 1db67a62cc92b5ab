/**
 * Patroni's REST API credentials (issue 15, finding 4): one Secret per cluster, read by the database
 * containers into `restapi.authentication` of SPILO_CONFIGURATION (through the kubelet's `$(NAME)`
 * expansion) and by every Job that calls Patroni, whose programs send them as HTTP Basic credentials.
 */
import { describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KubeObject } from '../../../../hooks/lib/k8s.js';
import { buildOperationJob } from '../../../../hooks/postgrescluster/day2/job.js';
import { PY_COMMON, PY_PATRONI } from '../../../../hooks/postgrescluster/day2/python.js';
import { renderChildren } from '../../../../hooks/postgrescluster/render.js';
import { spiloEnv } from '../../../../hooks/postgrescluster/spilo/env.js';
import { aCluster } from '../../../support/cluster-fixture.js';
import { containerEnvValues, type RenderedEnvVar } from '../../../support/container-env.js';
import { runScript } from '../day2/run-script.js';

const KEY = new TextEncoder().encode('rest api test key');
const cluster = aCluster().withName('orders').withNamespace('shop').withUid('uid-1').build();
const render = (observedSecrets: Record<string, KubeObject> = {}) =>
  renderChildren(cluster, { operatorKey: KEY, observedSecrets, specJson: '{}' });
const secretOf = (children: KubeObject[]) =>
  children.find((c) => c.kind === 'Secret' && c.metadata.name === 'orders-patroni-api');
const decoded = (s: KubeObject | undefined, key: string) =>
  Buffer.from((s?.['data'] as Record<string, string>)[key] ?? '', 'base64').toString();

interface PodShape {
  spec: { template: { spec: { containers: { name: string; env?: RenderedEnvVar[] }[] } } };
}
const envOf = (o: KubeObject): RenderedEnvVar[] =>
  (o as unknown as PodShape).spec.template.spec.containers[0]?.env ?? [];

describe("Patroni's REST API credentials", () => {
  it('are a Secret per cluster, the password HMAC(operator key, <uid>/patroni-api) until the Secret holds one', () => {
    const secret = secretOf(render());
    expect(decoded(secret, 'username')).toBe('pgmeta');
    const derived = createHmac('sha256', KEY).update('uid-1/patroni-api').digest('base64url');
    expect(decoded(secret, 'password')).toBe(derived);
    const kept = { ...secret!, data: { password: Buffer.from('chosen').toString('base64') } };
    expect(decoded(secretOf(render({ 'orders-patroni-api': kept })), 'password')).toBe('chosen');
  });

  it("reach Patroni's configuration: SPILO_CONFIGURATION as the kubelet expands it holds restapi.authentication", () => {
    const children = render();
    const sts = children.find((c) => c.kind === 'StatefulSet')!;
    const env = containerEnvValues(
      envOf(sts),
      children.filter((c) => c.kind === 'Secret'),
    );
    const spilo = JSON.parse(env.get('SPILO_CONFIGURATION') ?? '{}') as Record<string, unknown>;
    expect(spilo['restapi']).toEqual({
      authentication: { username: 'pgmeta', password: decoded(secretOf(children), 'password') },
    });
    // Nothing secret in the rendered StatefulSet itself: only the references.
    expect(JSON.stringify(sts)).not.toContain(decoded(secretOf(children), 'password'));
  });

  it('are read from the Secret by the database container', () => {
    const refs = spiloEnv(cluster).filter((v) => v.name.startsWith('PATRONI_RESTAPI_'));
    expect(refs).toEqual([
      {
        name: 'PATRONI_RESTAPI_PASSWORD',
        valueFrom: { secretKeyRef: { name: 'orders-patroni-api', key: 'password' } },
      },
      {
        name: 'PATRONI_RESTAPI_USERNAME',
        valueFrom: { secretKeyRef: { name: 'orders-patroni-api', key: 'username' } },
      },
    ]);
  });

  it('are given to the Jobs that call Patroni, and only to them', () => {
    const job = (patroniClient: boolean) =>
      envOf(
        buildOperationJob(cluster, {
          operation: 'switchover',
          hash: 'abcd1234',
          script: 'pass',
          env: [],
          annotations: {},
          deadlineSeconds: 60,
          patroniClient,
          kubernetesApi: false,
        }),
      );
    const children = render();
    const values = containerEnvValues(
      job(true),
      children.filter((c) => c.kind === 'Secret'),
    );
    expect(values.get('PATRONI_RESTAPI_USERNAME')).toBe('pgmeta');
    expect(values.get('PATRONI_RESTAPI_PASSWORD')).toBe(decoded(secretOf(children), 'password'));
    expect(job(false).map((v) => v.name)).toEqual([]);
  });

  it("are sent by the Jobs' programs as HTTP Basic credentials, from the environment", async () => {
    const seen: (string | undefined)[] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers.authorization);
      const ok = req.headers.authorization === `Basic ${Buffer.from('pgmeta:s3cret').toString('base64')}`;
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const program = [PY_COMMON, PY_PATRONI, "print('status', patroni('POST', '/switchover', {})[0])"];
      const run = await runScript(program.join('\n'), {
        PATRONI_URL: url,
        PATRONI_RESTAPI_USERNAME: 'pgmeta',
        PATRONI_RESTAPI_PASSWORD: 's3cret',
      });
      expect(run.stderr).toBe('');
      expect(run.stdout).toContain('status 200');
      expect(seen).toHaveLength(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
