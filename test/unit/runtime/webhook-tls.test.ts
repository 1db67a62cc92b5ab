/**
 * The admission webhook's certificate: mounted files (cert-manager) win; in a cluster the first replica
 * fills the empty Secret the install ships and publishes its CA; a replica that loses the race serves
 * the winner's certificate, so the CA injected always matches what every replica serves.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { pino } from 'pino';
import type { SecretApi } from '../../../hooks/runtime/operator-key';
import { resolveWebhookTls } from '../../../hooks/runtime/webhook-tls';

const logger = pino({ level: 'silent' });
const now = () => new Date('2026-12-07T00:00:00Z');
const service = { name: 'pgmeta-hooks', namespace: 'pgmeta-system' };
const secret = { namespace: 'pgmeta-system', secretName: 'pgmeta-webhook-tls' };

function fakeSecrets(initial: Record<string, string> | undefined, raceWinner?: Record<string, string>) {
  let stored = initial;
  const writes: string[] = [];
  const api: SecretApi = {
    read: () => Promise.resolve(stored),
    fill: (_r, data) => {
      if (raceWinner) {
        stored = raceWinner;
        return Promise.resolve('taken' as const);
      }
      writes.push('fill');
      stored = data;
      return Promise.resolve('filled' as const);
    },
    create: (_r, data) => {
      writes.push('create');
      stored = data;
      return Promise.resolve('created' as const);
    },
  };
  return { api, writes, stored: () => stored };
}

describe('resolveWebhookTls', () => {
  it('serves the mounted certificate and injects nothing (cert-manager does)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pgmeta-tls-'));
    writeFileSync(join(dir, 'tls.crt'), 'CERT');
    writeFileSync(join(dir, 'tls.key'), 'KEY');
    expect(await resolveWebhookTls({ certDir: dir, service }, { logger, now })).toEqual({
      cert: 'CERT',
      key: 'KEY',
    });
  });

  it('fills the empty Secret once with a CA and a certificate for the Service, and the next start reuses it', async () => {
    const s = fakeSecrets({});
    const first = await resolveWebhookTls(
      { service, secret },
      { logger, now, secrets: () => Promise.resolve(s.api) },
    );
    expect(s.writes).toEqual(['fill']);
    const leaf = new X509Certificate(first.cert);
    expect(leaf.subjectAltName).toBe(
      'DNS:pgmeta-hooks.pgmeta-system.svc, DNS:pgmeta-hooks.pgmeta-system.svc.cluster.local',
    );
    expect(leaf.verify(new X509Certificate(first.caToInject!).publicKey)).toBe(true);
    expect(Object.keys(s.stored()!).sort()).toEqual(['ca.crt', 'tls.crt', 'tls.key']);
    const second = await resolveWebhookTls(
      { service, secret },
      { logger, now, secrets: () => Promise.resolve(s.api) },
    );
    expect(second).toEqual(first);
    expect(s.writes).toEqual(['fill']);
  });

  it("serves the winner's certificate when another replica filled the Secret first", async () => {
    const winner = fakeSecrets({});
    const theirs = await resolveWebhookTls(
      { service, secret },
      { logger, now, secrets: () => Promise.resolve(winner.api) },
    );
    const loser = fakeSecrets({}, winner.stored());
    const ours = await resolveWebhookTls(
      { service, secret },
      { logger, now, secrets: () => Promise.resolve(loser.api) },
    );
    expect(ours).toEqual(theirs);
  });

  it('creates the Secret when it is missing', async () => {
    const s = fakeSecrets(undefined);
    await resolveWebhookTls({ service, secret }, { logger, now, secrets: () => Promise.resolve(s.api) });
    expect(s.writes).toEqual(['create']);
  });
});
