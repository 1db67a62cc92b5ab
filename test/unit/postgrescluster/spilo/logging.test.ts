import { describe, expect, it } from '@jest/globals';
import { buildPodTemplate } from '../../../../hooks/postgrescluster/children/pod-template.js';
import type { SpiloConfiguration } from '../../../../hooks/postgrescluster/spilo/configuration.js';
import { spiloConfigurationJson } from '../../../../hooks/postgrescluster/spilo/configuration.js';
import { LOG_FOLLOWER_SCRIPT } from '../../../../hooks/postgrescluster/spilo/log-follower.js';
import { LOG_CONTAINER, loggingParameters } from '../../../../hooks/postgrescluster/spilo/logging.js';
import type { ResolvedLogging } from '../../../../hooks/postgrescluster/spec/logging.js';
import { aCluster } from '../../../support/cluster-fixture.js';

describe('loggingParameters', () => {
  it.each([
    [undefined, {}],
    [{ destination: 'files', format: 'csv' }, {}],
    [{ destination: 'files', format: 'text' }, { log_destination: 'stderr' }],
    [{ destination: 'files', format: 'json' }, { log_destination: 'jsonlog' }],
    [
      { destination: 'stdout', format: 'text' },
      { log_destination: 'stderr', logging_collector: 'off' },
    ],
    [{ destination: 'stdout', format: 'json' }, { log_destination: 'jsonlog' }],
  ] as const)('%j → %j', (logging, params) => {
    expect(loggingParameters(logging as ResolvedLogging | undefined)).toEqual(params);
  });

  it('reach the local parameters of SPILO_CONFIGURATION, beside the user and pgmeta ones', () => {
    const cluster = aCluster()
      .withParams({ log_min_duration_statement: '250' })
      .withLogging({ destination: 'stdout', format: 'text' })
      .build();
    const config = JSON.parse(spiloConfigurationJson(cluster)) as SpiloConfiguration;
    expect(config.postgresql.parameters).toEqual({
      log_destination: 'stderr',
      log_min_duration_statement: '250',
      logging_collector: 'off',
      password_encryption: 'scram-sha-256',
    });
  });

  it('a cluster without spec.logging renders no logging setting (Spilo files, as before)', () => {
    const config = JSON.parse(spiloConfigurationJson(aCluster().build())) as SpiloConfiguration;
    expect(Object.keys(config.postgresql.parameters).filter((k) => k.startsWith('log'))).toEqual([]);
  });
});

describe('the postgres-log follower container', () => {
  const containers = (logging: ResolvedLogging | undefined) =>
    buildPodTemplate(aCluster().withImage('spilo:test').withLogging(logging).build()).spec?.containers ?? [];

  it.each([
    undefined,
    { destination: 'stdout', format: 'text' },
    { destination: 'files', format: 'json' },
  ] as const)('none for %j', (logging) => {
    expect(containers(logging).map((c) => c.name)).toEqual(['postgres']);
  });

  it('stdout + json: the Spilo image, read-only data volume, bounded, no privilege', () => {
    const follower = containers({ destination: 'stdout', format: 'json' })[1];
    expect(follower).toEqual({
      name: LOG_CONTAINER,
      image: 'spilo:test',
      command: ['python3', '-c', LOG_FOLLOWER_SCRIPT, '/home/postgres/pgdata/pgroot/data'],
      resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '64Mi' } },
      securityContext: {
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        readOnlyRootFilesystem: true,
      },
      volumeMounts: [{ name: 'pgdata', mountPath: '/home/postgres/pgdata', readOnly: true }],
    });
  });

  it('runs as the pod user, which is not root', () => {
    const spec = buildPodTemplate(
      aCluster().withLogging({ destination: 'stdout', format: 'json' }).build(),
    ).spec;
    expect(spec?.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 101 });
  });
});
