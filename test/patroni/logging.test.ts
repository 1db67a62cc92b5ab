/**
 * PostgreSQL's log through real Patroni (Debian's patroni 3.0.2 and PostgreSQL 15, one member on
 * loopback; its `pg_ctl_start` differs from v4.0.4's, which Spilo runs, only in type annotations):
 * Spilo's logging template (test/support/spilo-logging.ts) under the rendered SPILO_CONFIGURATION.
 * With spec.logging stdout/text the postmaster's stderr is Patroni's own output, because Patroni
 * starts the postmaster without redirecting it (Patroni v4.0.4 patroni/postgresql/postmaster.py
 * `pg_ctl_start`, `subprocess.Popen(cmdline, close_fds=True, env=env)`), and in Spilo Patroni's
 * output is the container's (runit/patroni/run `exec 2>&1`, runsvdir from launch.sh). The rig writes
 * that output to the member's log file. Without spec.logging (a cluster older than the field) the
 * error goes to Spilo's CSV file instead and not to that output. Skipped when a package is missing.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderChildren } from '../../hooks/postgrescluster/render.js';
import type { ResolvedLogging } from '../../hooks/postgrescluster/spec/logging.js';
import { aCluster } from '../support/cluster-fixture.js';
import { SPILO_LOGGING } from '../support/spilo-logging.js';
import { RIG_PG_MAJOR, skippedWithoutRig } from './binaries.js';
import { createRig, destroyRig, query, startMember, waitForLeader, type Member, type Rig } from './rig.js';
import { rigSource } from './source.js';
import { waitFor } from './wait.js';

const OPERATOR_KEY = new TextEncoder().encode('pgmeta patroni logging test key');

async function oneMember(logging: ResolvedLogging | undefined): Promise<{ rig: Rig; m: Member }> {
  const cluster = aCluster().withName('logs').withVersion(RIG_PG_MAJOR).withReplicas(1).withTls(false);
  const children = renderChildren(cluster.withLogging(logging).build(), {
    operatorKey: OPERATOR_KEY,
    observedSecrets: {},
    specJson: '{}',
  });
  const rig = await createRig(rigSource(children));
  const m = rig.members[0];
  if (!m) throw new Error('no member');
  // Spilo's template under the rendered values (configure_spilo.py deep_update: ours win).
  const config = JSON.parse(readFileSync(m.configFile, 'utf8')) as { postgresql: { parameters: object } };
  config.postgresql.parameters = { ...SPILO_LOGGING, ...config.postgresql.parameters };
  writeFileSync(m.configFile, JSON.stringify(config, null, 2), { mode: 0o644 });
  startMember(m);
  await waitForLeader(rig, 120_000);
  return { rig, m };
}

async function failingStatement(rig: Rig, m: Member): Promise<void> {
  await expect(query(m, rig.source.superuser, 'SELECT 1/0 AS logging_probe')).rejects.toThrow(
    'division by zero',
  );
}

const patroniOutput = (m: Member): string => readFileSync(m.logFile, 'utf8');

describe('PostgreSQL log through real Patroni', () => {
  if (skippedWithoutRig()) return;
  let rig: Rig | undefined;
  afterEach(async () => {
    await destroyRig(rig);
    rig = undefined;
  });

  it('stdout/text: the error is in Patroni output, in the text format', async () => {
    const started = await oneMember({ destination: 'stdout', format: 'text' });
    rig = started.rig;
    await failingStatement(rig, started.m);
    const line = await waitFor(
      'the error in Patroni output',
      () =>
        Promise.resolve(
          patroniOutput(started.m)
            .split('\n')
            .find((l) => l.includes('division by zero')),
        ),
      { timeoutMs: 15_000 },
    );
    expect(line).toMatch(/ \[\d+\]: \[\d+-1\] .*ERROR: {2}division by zero/);
    expect(patroniOutput(started.m)).toContain('STATEMENT:  SELECT 1/0 AS logging_probe');
  }, 180_000);

  it('no spec.logging (Spilo files): the error is in the CSV file only', async () => {
    const started = await oneMember(undefined);
    rig = started.rig;
    await failingStatement(rig, started.m);
    const dir = join(started.m.dir, 'pg_log');
    await waitFor(
      'the error in the CSV file',
      () =>
        Promise.resolve(
          readdirSync(dir).some(
            (f) => f.endsWith('.csv') && readFileSync(join(dir, f), 'utf8').includes('division by zero'),
          ),
        ),
      { timeoutMs: 15_000 },
    );
    expect(patroniOutput(started.m)).not.toContain('division by zero');
  }, 180_000);
});
