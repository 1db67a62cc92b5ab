/**
 * The admission webhook over HTTP (supertest) and over real TLS with a certificate the service issued:
 * the API server's side of the contract (POST, JSON, HTTPS with the caBundle's CA, the service's DNS name).
 */
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:https';
import { pino } from 'pino';
import supertest from 'supertest';
import { ADMISSION_PATH, createAdmissionApp } from '../../hooks/admission/app';
import { issueWebhookCertificate, serviceDnsNames } from '../../hooks/runtime/webhook-cert';

const logger = pino({ level: 'silent' });
const reviewOf = (object: unknown) => ({
  apiVersion: 'admission.k8s.io/v1',
  kind: 'AdmissionReview',
  request: { uid: 'u-1', operation: 'CREATE', object },
});
const badCluster = {
  apiVersion: 'pgmeta.io/v1alpha1',
  kind: 'PostgresCluster',
  metadata: { name: 'orders', namespace: 'shop' },
  spec: { version: '17', storage: { size: '10Gi' }, postgresqlParams: { shared_buffer: '1GB' } },
};

describe('POST /validate', () => {
  const app = createAdmissionApp({ logger, bodyLimitBytes: 64 * 1024 });

  it('answers 200 with the decision, refusal included', async () => {
    const res = await supertest(app).post(ADMISSION_PATH).send(reviewOf(badCluster)).expect(200);
    expect(res.body.response.uid).toBe('u-1');
    expect(res.body.response.allowed).toBe(false);
    expect(res.body.response.status.message).toContain('spec.postgresqlParams.shared_buffer');
  });

  it('answers 400 to a body that is not an AdmissionReview v1, 413 above the limit, 404 elsewhere', async () => {
    await supertest(app).post(ADMISSION_PATH).send({ kind: 'AdmissionReview' }).expect(400);
    await supertest(app).post(ADMISSION_PATH).set('content-type', 'application/json').send('{').expect(400);
    await supertest(app)
      .post(ADMISSION_PATH)
      .send(reviewOf({ ...badCluster, pad: 'x'.repeat(70 * 1024) }))
      .expect(413);
    await supertest(app).post('/postgrescluster/sync').send({}).expect(404);
  });
});

describe('over TLS with the certificate the service issues itself', () => {
  it('is trusted through the CA it publishes, for the Service DNS name, and by nothing else', async () => {
    const names = serviceDnsNames('pgmeta-hooks', 'pgmeta-system');
    const cert = await issueWebhookCertificate(names, new Date());
    const server = createServer({ cert: cert.tlsCrt, key: cert.tlsKey }, createAdmissionApp({ logger }));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const post = (ca: string | undefined, servername: string) =>
      new Promise<number>((resolve, reject) => {
        const body = JSON.stringify(reviewOf(badCluster));
        const req = httpsRequest(
          {
            host: '127.0.0.1',
            port,
            path: ADMISSION_PATH,
            method: 'POST',
            servername,
            ...(ca ? { ca } : {}),
            headers: { 'content-type': 'application/json' },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    try {
      expect(await post(cert.caCrt, names[0]!)).toBe(200);
      expect(await post(cert.caCrt, names[1]!)).toBe(200);
      await expect(post(undefined, names[0]!)).rejects.toThrow(/self-signed|unable to verify|self signed/);
      await expect(post(cert.caCrt, 'other.example.com')).rejects.toThrow(/altnames|Hostname/);
    } finally {
      server.close();
    }
  });
});
