import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../../../hooks/lib/k8s.js';
import { checkSpec } from '../../../../hooks/postgrescluster/spec/index.js';
import {
  NEW_CLUSTER_LOGGING,
  resolveLogging,
  withLoggingDefault,
} from '../../../../hooks/postgrescluster/spec/logging.js';
import type { PostgresClusterSpec } from '../../../../hooks/postgrescluster/spec/index.js';
import { BASE, errorsOf, parent } from './check-spec-support.js';

const specOf = (o: KubeObject): Record<string, unknown> => o['spec'] as Record<string, unknown>;

describe('withLoggingDefault: a new cluster gets stdout, an existing one keeps what it had', () => {
  it('a new cluster (no last valid spec) gets the container output', () => {
    expect(specOf(withLoggingDefault(parent(BASE), undefined))['logging']).toEqual(NEW_CLUSTER_LOGGING);
  });

  it('a cluster whose last valid spec has no logging keeps Spilo files (nothing added)', () => {
    const p = parent(BASE);
    expect(withLoggingDefault(p, { ...BASE })).toBe(p);
  });

  it('a cluster that had a choice keeps it when the field is removed', () => {
    const previous = { ...BASE, logging: { destination: 'files', format: 'json' } };
    expect(specOf(withLoggingDefault(parent(BASE), previous))['logging']).toEqual(previous.logging);
  });

  it('an explicit spec.logging is left alone', () => {
    const p = parent({ ...BASE, logging: { destination: 'files' } });
    expect(withLoggingDefault(p, undefined)).toBe(p);
    expect(withLoggingDefault(p, { ...BASE, logging: { destination: 'stdout' } })).toBe(p);
  });

  it('does not touch the parent it was given', () => {
    const p = parent(BASE);
    withLoggingDefault(p, undefined);
    expect(specOf(p)).not.toHaveProperty('logging');
  });
});

describe('resolveLogging', () => {
  it.each([
    [undefined, undefined],
    [{}, { destination: 'stdout', format: 'text' }],
    [{ destination: 'stdout' }, { destination: 'stdout', format: 'text' }],
    [{ destination: 'files' }, { destination: 'files', format: 'csv' }],
    [{ format: 'json' }, { destination: 'stdout', format: 'json' }],
    [
      { destination: 'files', format: 'text' },
      { destination: 'files', format: 'text' },
    ],
  ] as const)('%j → %j', (logging, resolved) => {
    const spec = { ...BASE, ...(logging ? { logging } : {}) } as PostgresClusterSpec;
    expect(resolveLogging(spec)).toEqual(resolved);
  });

  it('checkSpec resolves it onto the cluster', () => {
    const r = checkSpec(parent({ ...BASE, logging: { destination: 'files', format: 'json' } }));
    expect(r.ok && r.resolved.logging).toEqual({ destination: 'files', format: 'json' });
  });
});

describe('spec.logging errors, with field paths', () => {
  it.each(['13', '14'])('json needs PostgreSQL 15 or later (version %s)', (version) => {
    expect(errorsOf({ ...BASE, version, logging: { format: 'json' } })).toEqual([
      { path: 'spec.logging.format', message: 'json needs PostgreSQL 15 or later (jsonlog): use text' },
    ]);
  });

  it.each(['15', '16', '17'])('json is accepted on %s', (version) => {
    expect(errorsOf({ ...BASE, version, logging: { destination: 'stdout', format: 'json' } })).toEqual([]);
  });

  it('csv goes to files only', () => {
    expect(errorsOf({ ...BASE, logging: { destination: 'stdout', format: 'csv' } })).toEqual([
      {
        path: 'spec.logging.format',
        message: 'csv is written to files only: set destination files, or use text or json',
      },
    ]);
    expect(errorsOf({ ...BASE, logging: { format: 'csv' } })).toHaveLength(1);
    expect(errorsOf({ ...BASE, logging: { destination: 'files', format: 'csv' } })).toEqual([]);
  });

  it('unknown values are schema errors on the field', () => {
    const paths = errorsOf({ ...BASE, logging: { destination: 'syslog', format: 'xml' } }).map((e) => e.path);
    expect(paths).toEqual(['spec.logging.destination', 'spec.logging.format']);
  });

  it('refuses the settings spec.logging decides once the cluster has it', () => {
    const spec = {
      ...BASE,
      logging: { destination: 'stdout' },
      postgresqlParams: {
        log_destination: 'csvlog',
        logging_collector: 'on',
        log_min_duration_statement: 250,
      },
    };
    expect(errorsOf(spec)).toEqual([
      {
        path: 'spec.postgresqlParams.log_destination',
        message: 'is set by spec.logging (destination and format)',
      },
      {
        path: 'spec.postgresqlParams.logging_collector',
        message: 'is set by spec.logging (destination and format)',
      },
    ]);
  });

  it('a cluster without spec.logging (older than the field) may still set them', () => {
    expect(errorsOf({ ...BASE, postgresqlParams: { log_destination: 'csvlog' } })).toEqual([]);
  });
});
