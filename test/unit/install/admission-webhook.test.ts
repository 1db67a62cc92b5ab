/**
 * The admission webhook's manifests agree with the service: the path it serves, the Service port, the
 * names the service writes (Secret, configuration) and RBAC limited to them; and the choices that keep
 * pgmeta from ever blocking a user (failurePolicy Ignore, CREATE/UPDATE only, system namespaces out).
 */
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { ADMISSION_PATH } from '../../../hooks/admission/app';
import { webhookSettings } from '../../../hooks/runtime/webhook-config';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const docs = (file: string): Obj[] =>
  parseAllDocuments(readFileSync(`manifests/hooks/${file}`, 'utf8')).map((d) => d.toJS() as Obj);

describe('the ValidatingWebhookConfiguration', () => {
  const [config] = docs('validatingwebhook.yaml');
  const webhook = config!['webhooks'][0];
  const settings = webhookSettings({}, 'pgmeta-system')!;

  it('is the configuration the service publishes its CA into', () => {
    expect(config!['metadata'].name).toBe(settings.configurationName);
    expect(config!['webhooks']).toHaveLength(1);
  });

  it('calls the path and Service port the service serves', () => {
    expect(webhook.clientConfig.service).toEqual({
      name: settings.service.name,
      namespace: settings.service.namespace,
      path: ADMISSION_PATH,
      port: 443,
    });
    const [service] = docs('service.yaml');
    const port = service!['spec'].ports.find((p: Obj) => p['port'] === 443);
    expect(port.targetPort).toBe('webhook');
    const [deployment] = docs('deployment.yaml');
    const ports = deployment!['spec'].template.spec.containers[0].ports as Obj[];
    expect(ports.find((p) => p['name'] === 'webhook')?.['containerPort']).toBe(settings.port);
  });

  it('never blocks a user when pgmeta is down, and sees only creates and updates of pgmeta kinds', () => {
    expect(webhook.failurePolicy).toBe('Ignore');
    expect(webhook.sideEffects).toBe('None');
    expect(webhook.admissionReviewVersions).toEqual(['v1']);
    expect(webhook.timeoutSeconds).toBeLessThanOrEqual(10);
    expect(webhook.rules).toEqual([
      {
        apiGroups: ['pgmeta.io'],
        apiVersions: ['*'],
        operations: ['CREATE', 'UPDATE'],
        resources: ['postgresclusters', 'postgresdatabases', 'postgresbackups', 'postgresrestoredrills'],
        scope: 'Namespaced',
      },
    ]);
  });

  it('leaves out the system namespaces and any namespace labelled pgmeta.io/admission=disabled', () => {
    expect(webhook.namespaceSelector.matchExpressions).toEqual([
      {
        key: 'kubernetes.io/metadata.name',
        operator: 'NotIn',
        values: ['kube-system', 'kube-public', 'kube-node-lease'],
      },
      { key: 'pgmeta.io/admission', operator: 'NotIn', values: ['disabled'] },
    ]);
  });

  it('lets the service write only that configuration and its own empty certificate Secret', () => {
    const rbac = docs('rbac.yaml');
    const clusterRole = rbac.find((d) => d['kind'] === 'ClusterRole')!;
    expect(clusterRole['rules']).toEqual([
      {
        apiGroups: ['admissionregistration.k8s.io'],
        resources: ['validatingwebhookconfigurations'],
        resourceNames: [settings.configurationName],
        verbs: ['get', 'update'],
      },
    ]);
    const [secret] = docs('webhook-tls-secret.yaml');
    expect(secret!['metadata'].name).toBe(settings.secretName);
    expect(secret!['data']).toBeUndefined();
  });
});

describe('webhookSettings', () => {
  it('is off for a local run without a certificate, and with PGMETA_WEBHOOK_PORT=0', () => {
    expect(webhookSettings({}, undefined)).toBeUndefined();
    expect(webhookSettings({ PGMETA_WEBHOOK_PORT: '0' }, 'pgmeta-system')).toBeUndefined();
    expect(webhookSettings({ PGMETA_WEBHOOK_CERT_DIR: '/tls' }, undefined)?.certDir).toBe('/tls');
  });
});
