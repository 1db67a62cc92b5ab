import { describe, expect, it } from '@jest/globals';
import { spiloEnv } from '../../../../hooks/postgrescluster/spilo/env.js';
import { spiloConfigurationJson } from '../../../../hooks/postgrescluster/spilo/configuration.js';
import { aCluster, envMap } from '../../../support/cluster-fixture.js';

describe('spiloEnv', () => {
  it('configures the Kubernetes DCS with our scope label and Spilo role labels', () => {
    const env = envMap(spiloEnv(aCluster().withName('orders').build()));
    expect(env).toMatchObject({
      SCOPE: 'orders',
      DCS_ENABLE_KUBERNETES_API: 'true',
      KUBERNETES_SCOPE_LABEL: 'pgmeta.io/cluster',
      KUBERNETES_ROLE_LABEL: 'spilo-role',
      KUBERNETES_LEADER_LABEL_VALUE: 'master',
      KUBERNETES_STANDBY_LEADER_LABEL_VALUE: 'master',
    });
  });

  // Patroni v4.0.4 patroni/dcs/kubernetes.py ApiClient._refresh_api_servers_cache(): bypassing reads
  // the `kubernetes` Endpoints in `default`, a 403 outside it; Spilo 4.0-p3 configure_spilo.py
  // get_placeholders() defaults the variable to true and get_dcs_config() turns only 'true' on.
  it('talks to the API server through its Service: KUBERNETES_BYPASS_API_SERVICE=false', () => {
    expect(envMap(spiloEnv(aCluster().build()))['KUBERNETES_BYPASS_API_SERVICE']).toBe('false');
  });

  // Spilo 4.0-p3 configure_spilo.py get_provider(): unset, every start probes 169.254.169.254.
  it('names the provider, so Spilo never probes cloud metadata: SPILO_PROVIDER=local', () => {
    expect(envMap(spiloEnv(aCluster().build()))['SPILO_PROVIDER']).toBe('local');
  });

  it("gives Patroni labels that can never match Metacontroller's child selector", () => {
    const labels = JSON.parse(envMap(spiloEnv(aCluster().build()))['KUBERNETES_LABELS'] as string);
    expect(labels).toEqual({ application: 'spilo' });
    expect(Object.keys(labels)).not.toContain('controller-uid');
  });

  it('reads pod IP and namespace from the downward API', () => {
    const env = envMap(spiloEnv(aCluster().build()));
    expect(env['POD_IP']).toEqual({ fieldRef: { apiVersion: 'v1', fieldPath: 'status.podIP' } });
    expect(env['POD_NAMESPACE']).toEqual({ fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } });
  });

  it('keeps the data directory on the volume', () => {
    const env = envMap(spiloEnv(aCluster().build()));
    expect(env['PGROOT']).toBe('/home/postgres/pgdata/pgroot');
    expect(env['PGDATA']).toBe('/home/postgres/pgdata/pgroot/data');
  });

  it.each(['13', '16', '18'] as const)('selects PostgreSQL %s binaries with PGVERSION', (v) => {
    expect(envMap(spiloEnv(aCluster().withVersion(v).build()))['PGVERSION']).toBe(v);
  });

  it('takes the superuser and replication credentials from their Secrets, never literals', () => {
    const env = envMap(spiloEnv(aCluster().withName('demo').build()));
    expect(env['PGUSER_SUPERUSER']).toEqual({ secretKeyRef: { name: 'demo-superuser', key: 'username' } });
    expect(env['PGPASSWORD_SUPERUSER']).toEqual({
      secretKeyRef: { name: 'demo-superuser', key: 'password' },
    });
    expect(env['PGUSER_STANDBY']).toEqual({ secretKeyRef: { name: 'demo-replication', key: 'username' } });
    expect(env['PGPASSWORD_STANDBY']).toEqual({
      secretKeyRef: { name: 'demo-replication', key: 'password' },
    });
  });

  it('carries the cluster configuration in SPILO_CONFIGURATION', () => {
    const cluster = aCluster().withParams({ work_mem: '8MB' }).build();
    expect(envMap(spiloEnv(cluster))['SPILO_CONFIGURATION']).toBe(spiloConfigurationJson(cluster));
  });

  it.each([
    [true, undefined],
    [false, 'true'],
  ])('with TLS enabled=%s, ALLOW_NOSSL is %s', (tls, allow) => {
    expect(envMap(spiloEnv(aCluster().withTls(tls).build()))['ALLOW_NOSSL']).toBe(allow);
  });

  it('is sorted by name, with unique names and no empty literal values', () => {
    for (const tls of [true, false]) {
      const env = spiloEnv(aCluster().withTls(tls).build());
      const names = env.map((v) => v.name);
      expect(names).toEqual([...names].sort());
      expect(new Set(names).size).toBe(names.length);
      for (const v of env) expect(v.valueFrom !== undefined || (v.value ?? '') !== '').toBe(true);
    }
  });

  // Spilo 4.0-p3 postgres-appliance/runit/patroni/run scrubs PATRONI_* from Patroni's environment.
  // The REST API credentials are PATRONI_RESTAPI_* only so that SPILO_CONFIGURATION can reference
  // them ($(NAME), expanded by the kubelet from variables defined earlier: they must sort before it).
  it('passes nothing to Patroni as PATRONI_* but the REST API credentials SPILO_CONFIGURATION references', () => {
    const env = spiloEnv(aCluster().build());
    const names = env.map((v) => v.name);
    const patroni = names.filter((n) => n.startsWith('PATRONI_'));
    expect(patroni).toEqual(['PATRONI_RESTAPI_PASSWORD', 'PATRONI_RESTAPI_USERNAME']);
    for (const n of patroni) expect(names.indexOf(n)).toBeLessThan(names.indexOf('SPILO_CONFIGURATION'));
    const spilo = env.find((v) => v.name === 'SPILO_CONFIGURATION')?.value ?? '';
    expect(spilo).toContain('"$(PATRONI_RESTAPI_PASSWORD)"');
  });
});
