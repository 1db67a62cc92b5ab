/**
 * The alerts (manifests/monitoring and each cluster's own PrometheusRule) and the Grafana dashboard
 * name only metrics that the postgres_exporter sidecar or Patroni actually expose, so no alert waits
 * forever on a series that never exists. The lists below are taken from the sources of the exact
 * versions pgmeta runs, and a misspelt metric makes the check fail.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse, parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../../hooks/lib/k8s';
import { EXPORTER_ARGS } from '../../../hooks/postgrescluster/metrics/index';
import {
  buildPrometheusRule,
  diskFillingExpr,
  quantityBytes,
} from '../../../hooks/postgrescluster/metrics/monitors';
import { EXPORTER_IMAGE } from '../../../hooks/postgrescluster/metrics/names';
import { invalidEntries } from '../../conformance/run-validate';
import { validateCustomObjects } from '../../conformance/run-validate-crds';
import { resolvedCluster } from '../../support/cluster-world';
import { lazy } from '../../support/lazy';

const ROOT = join(__dirname, '..', '..', '..');

/**
 * postgres_exporter v0.20.1 (EXPORTER_IMAGE), default-enabled collectors minus those pgmeta turns off
 * (EXPORTER_ARGS), from `prometheus.BuildFQName("pg", <subsystem>, <name>)` in collector/*.go at tag
 * v0.20.1, plus `pg_up` and `pg_static` from exporter/postgres_exporter.go.
 * @see https://github.com/prometheus-community/postgres_exporter/tree/v0.20.1/collector
 */
const EXPORTER_METRICS = [
  'pg_up',
  'pg_static',
  'pg_database_size_bytes',
  'pg_database_connection_limit',
  'pg_locks_count',
  'pg_replication_lag_seconds',
  'pg_replication_is_replica',
  'pg_replication_last_replay_seconds',
  'pg_replication_slots_active',
  'pg_replication_slots_pg_wal_lsn_diff',
  'pg_roles_connection_limit',
  'pg_stat_activity_count',
  'pg_stat_activity_max_tx_duration',
  'pg_stat_archiver_archived_count',
  'pg_stat_archiver_failed_count',
  'pg_stat_archiver_last_archive_age',
  'pg_stat_bgwriter_checkpoints_timed_total',
  'pg_stat_bgwriter_checkpoints_req_total',
  'pg_stat_bgwriter_buffers_alloc_total',
  'pg_stat_database_numbackends',
  'pg_stat_database_xact_commit',
  'pg_stat_database_xact_rollback',
  'pg_stat_database_blks_read',
  'pg_stat_database_blks_hit',
  'pg_stat_database_tup_returned',
  'pg_stat_database_tup_fetched',
  'pg_stat_database_tup_inserted',
  'pg_stat_database_tup_updated',
  'pg_stat_database_tup_deleted',
  'pg_stat_database_conflicts',
  'pg_stat_database_temp_files',
  'pg_stat_database_temp_bytes',
  'pg_stat_database_deadlocks',
  'pg_stat_replication_pg_current_wal_lsn_bytes',
  'pg_stat_replication_pg_wal_lsn_diff',
  'pg_wal_segments',
  'pg_wal_size_bytes',
];

/**
 * Patroni's `GET /metrics` (patroni/api.py `get_metrics`, Patroni 3.0 as Debian bookworm packages it;
 * Spilo's Patroni 4 serves the same names), each labelled with `scope`.
 * @see https://patroni.readthedocs.io/en/latest/rest_api.html#monitoring-endpoint
 */
const PATRONI_METRICS = [
  'patroni_version',
  'patroni_postgres_running',
  'patroni_postmaster_start_time',
  'patroni_master',
  'patroni_primary',
  'patroni_xlog_location',
  'patroni_standby_leader',
  'patroni_replica',
  'patroni_sync_standby',
  'patroni_xlog_received_location',
  'patroni_xlog_replayed_location',
  'patroni_xlog_replayed_timestamp',
  'patroni_xlog_paused',
  'patroni_postgres_server_version',
  'patroni_cluster_unlocked',
  'patroni_failsafe_mode_is_active',
  'patroni_postgres_timeline',
  'patroni_dcs_last_seen',
  'patroni_pending_restart',
  'patroni_is_paused',
];
interface KsmResource {
  metricNamePrefix: string;
  metrics: { name: string; each: { gauge: { path: string[] } } }[];
}
const ksm = parse(readFileSync(join(ROOT, 'manifests', 'monitoring', 'kube-state-metrics.yaml'), 'utf8')) as {
  spec: { resources: KsmResource[] };
};
const KSM_RESOURCES = ksm.spec.resources;
/** kube-state-metrics' custom resource state metrics: `<metricNamePrefix>_<name>`, from a status path. */
const KSM_METRICS = KSM_RESOURCES.flatMap((r) => r.metrics.map((m) => `${r.metricNamePrefix}_${m.name}`));
/**
 * The restore drills' series: kube-state-metrics makes `<metricNamePrefix>_<name>` of each metric of
 * the shipped custom resource state configuration (kube-state-metrics
 * docs/metrics/extend/customresourcestate-metrics.md), so the names are read from that file.
 */
const drillConfig = parse(
  readFileSync(join(ROOT, 'manifests', 'monitoring', 'drill-metrics.yaml'), 'utf8'),
) as { spec: { resources: { metricNamePrefix: string; metrics: { name: string }[] }[] } };
const DRILL_METRICS = drillConfig.spec.resources.flatMap((r) =>
  r.metrics.map((m) => `${r.metricNamePrefix}_${m.name}`),
);
const KNOWN = new Set([...EXPORTER_METRICS, ...PATRONI_METRICS, ...KSM_METRICS, ...DRILL_METRICS]);

const FUNCTIONS = new Set(
  'abs absent absent_over_time avg_over_time ceil changes clamp clamp_max clamp_min count_over_time delta deriv exp floor histogram_quantile holt_winters idelta increase irate label_join label_replace label_values last_over_time ln log2 log10 max_over_time min_over_time predict_linear quantile_over_time rate resets round scalar sgn sort sort_desc sqrt stddev_over_time sum_over_time time timestamp vector'.split(
    ' ',
  ),
);
const AGGREGATIONS = new Set(
  'sum min max avg group stddev stdvar count count_values bottomk topk quantile'.split(' '),
);
const KEYWORDS = new Set(
  'by without on ignoring group_left group_right bool and or unless offset'.split(' '),
);

/** The metric names a PromQL expression (or a Grafana `label_values(...)` query) refers to. */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""') // string literals
    .replace(/\{[^}]*\}/g, '') // label matchers
    .replace(/\[[^\]]*\]/g, '') // ranges and subqueries
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ') // label lists
    .replace(/label_values\(([^,)]*),[^)]*\)/g, 'label_values($1)'); // label argument
  const names = (stripped.match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? []).filter(
    (t) => !FUNCTIONS.has(t) && !AGGREGATIONS.has(t) && !KEYWORDS.has(t),
  );
  // `1e3`: the exponent of a number literal is not a name.
  return [...new Set(names.filter((t) => !/^e\d+$/.test(t)))];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed YAML and JSON
type Obj = Record<string, any>;

const staticRules = parse(
  readFileSync(join(ROOT, 'manifests', 'monitoring', 'prometheusrule.yaml'), 'utf8'),
) as Obj;
const dashboard = JSON.parse(
  readFileSync(join(ROOT, 'manifests', 'monitoring', 'dashboard.json'), 'utf8'),
) as Obj;

/** A cluster with metrics and its own PrometheusRule, built on first use (test/support/lazy.ts). */
const fixture = lazy(() => {
  const cluster = resolvedCluster({
    version: '16',
    replicas: 3,
    storage: { size: '10Gi' },
    metrics: { enabled: true },
  });
  return { cluster, clusterRule: buildPrometheusRule(cluster) as KubeObject & Obj };
});

const alertsOf = (rule: Obj): Obj[] => (rule['spec'].groups as Obj[]).flatMap((g) => g['rules'] as Obj[]);
const dashboardExprs = (): string[] => [
  ...(dashboard['panels'] as Obj[]).flatMap((p) => (p['targets'] as Obj[]).map((t) => t['expr'] as string)),
  ...(dashboard['templating'].list as Obj[])
    .filter((v) => v['type'] === 'query')
    .map((v) => v['query'] as string),
];

describe('metric names', () => {
  it('come from the pinned exporter, with its per-table collectors off', () => {
    expect(EXPORTER_IMAGE.endsWith(':v0.20.1')).toBe(true);
    expect(EXPORTER_ARGS).toEqual(
      expect.arrayContaining(['--no-collector.stat_user_tables', '--no-collector.statio_user_tables']),
    );
    expect([...KNOWN].some((m) => m.startsWith('pg_stat_user_tables'))).toBe(false);
  });

  it('are read out of PromQL: functions, aggregations, labels, strings and durations are not metrics', () => {
    expect(
      metricNames('max by (namespace, pgmeta_cluster) (patroni_primary{role="master"}) < 1 or x_y > 0'),
    ).toEqual(['patroni_primary', 'x_y']);
    expect(metricNames('increase(pg_stat_archiver_failed_count[15m]) > 0')).toEqual([
      'pg_stat_archiver_failed_count',
    ]);
    expect(metricNames('a / on (pod) group_left (role) b > 1e3')).toEqual(['a', 'b']);
    expect(metricNames('label_values(patroni_primary{namespace="$namespace"}, pgmeta_cluster)')).toEqual([
      'patroni_primary',
    ]);
  });

  it('the check fails an alert on a metric no one exposes', () => {
    const unknown = metricNames('pg_replication_lag > 300').filter((m) => !KNOWN.has(m));
    expect(unknown).toEqual(['pg_replication_lag']);
  });
});

describe('manifests/monitoring alerts', () => {
  const alerts = alertsOf(staticRules);

  it('cover a missing primary, a member down, replication lag, failing backups, a stalled standby, a failed drill and the backup catalog', () => {
    expect(alerts.map((a) => a['alert'])).toEqual([
      'PostgresPrimaryMissing',
      'PostgresMemberDown',
      'PostgresReplicationLag',
      'PostgresBackupFailing',
      'PostgresStandbyReplayLagging',
      'PostgresRestoreDrillFailed',
      'PostgresBaseBackupOverdue',
      'PostgresWalArchivingFailing',
      'PostgresRecoveryWindowShort',
      'PostgresBackupCatalogStale',
    ]);
  });

  it('each backup alert has a runbook section in docs/backup-catalog.md', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'backup-catalog.md'), 'utf8');
    const anchors = new Set(
      [...doc.matchAll(/^#+ (.+)$/gm)].map((m) =>
        (m[1] ?? '')
          .toLowerCase()
          .replace(/[^a-z0-9 -]/g, '')
          .replace(/ /g, '-'),
      ),
    );
    const runbooks = alerts.filter((a) =>
      String(a['annotations'].runbook_url ?? '').startsWith('docs/backup-catalog.md'),
    );
    expect(runbooks.length).toBe(4);
    for (const a of runbooks) {
      const [file, anchor] = String(a['annotations'].runbook_url).split('#');
      expect(file).toBe('docs/backup-catalog.md');
      expect(anchors.has(anchor ?? '')).toBe(true);
    }
  });

  it("kube-state-metrics reads every catalog metric from a field of the CRD's schema", () => {
    const crd = parse(readFileSync(join(ROOT, 'crds', 'postgresclusters.yaml'), 'utf8')) as Obj;
    const root = crd['spec'].versions[0].schema.openAPIV3Schema as Obj;
    for (const r of KSM_RESOURCES) {
      for (const m of r.metrics) {
        const path = m.each.gauge.path;
        let at: Obj | undefined = root;
        for (const key of path)
          at = path[0] === 'metadata' ? { type: 'string' } : (at?.['properties']?.[key] as Obj | undefined);
        expect([m.name, at?.['type']]).toEqual([m.name, expect.stringMatching(/^(string|integer|boolean)$/)]);
      }
    }
  });

  it.each(alerts.map((a) => [a['alert'] as string, a['expr'] as string]))(
    '%s names only exposed metrics',
    (_name, expr) => {
      const names = metricNames(expr);
      expect(names.length).toBeGreaterThan(0);
      expect(names.filter((m) => !KNOWN.has(m))).toEqual([]);
    },
  );

  it('validates against the Prometheus Operator schema', () => {
    const run = validateCustomObjects([staticRules]);
    expect(invalidEntries(run.report)).toEqual([]);
  });
});

describe('the restore drill series', () => {
  it('export the phase, creation time, recovery time and data loss window of every drill', () => {
    expect(DRILL_METRICS).toEqual([
      'pgmeta_restore_drill_phase',
      'pgmeta_restore_drill_created',
      'pgmeta_restore_drill_recovery_time_seconds',
      'pgmeta_restore_drill_data_loss_window_seconds',
    ]);
  });

  it('read status fields the CRD has', () => {
    const crd = parse(readFileSync(join(ROOT, 'crds', 'postgresrestoredrills.yaml'), 'utf8')) as Obj;
    const status = crd['spec'].versions[0].schema.openAPIV3Schema.properties.status.properties as Obj;
    const paths = drillConfig.spec.resources.flatMap((r) =>
      (r.metrics as Obj[]).map((m) => (m['each'].gauge ?? m['each'].stateSet).path as string[]),
    );
    for (const [root, field] of paths) {
      if (root === 'status') expect(Object.keys(status)).toContain(field);
    }
    expect(paths.filter(([root]) => root === 'status')).toHaveLength(3);
  });
});

describe("a cluster's own PrometheusRule (disk filling)", () => {
  it('compares databases and WAL with the volume the spec asks for', () => {
    expect(quantityBytes('10Gi')).toBe(10_737_418_240n);
    expect(quantityBytes('500G')).toBe(500_000_000_000n);
    expect(diskFillingExpr(fixture().cluster, 0.85)).toContain('/ 10737418240 > 0.85');
    expect(alertsOf(fixture().clusterRule).map((a) => [a['alert'], a['labels'].severity])).toEqual([
      ['PostgresDiskFilling', 'warning'],
      ['PostgresDiskAlmostFull', 'critical'],
    ]);
  });

  it.each(['PostgresDiskFilling', 'PostgresDiskAlmostFull'])('%s names only exposed metrics', (name) => {
    const alert = alertsOf(fixture().clusterRule).find((a) => a['alert'] === name);
    expect(metricNames(alert?.['expr'] as string)).toEqual(['pg_database_size_bytes', 'pg_wal_size_bytes']);
  });

  it('is rendered only with metrics enabled', () => {
    expect(buildPrometheusRule(resolvedCluster({ version: '16', storage: { size: '1Gi' } }))).toBeUndefined();
  });
});

describe('the Grafana dashboard', () => {
  it.each(dashboardExprs().map((e) => [e]))('%s names only exposed metrics', (expr) => {
    const names = metricNames(expr);
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((m) => !KNOWN.has(m))).toEqual([]);
  });

  it('has a unique id for every panel', () => {
    const ids = (dashboard['panels'] as Obj[]).map((p) => p['id'] as number);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
(kubectl ? describe : describe.skip)('kubectl kustomize manifests/monitoring', () => {
  it('renders the PrometheusRule, the dashboard and the kube-state-metrics ConfigMaps in pgmeta-system', () => {
    const run = spawnSync('kubectl', ['kustomize', join(ROOT, 'manifests', 'monitoring')], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(0);
    const docs = parseAllDocuments(run.stdout).map((d) => d.toJS() as Obj);
    expect(docs.map((d) => `${d['kind']}/${d['metadata'].namespace}/${d['metadata'].name}`).sort()).toEqual([
      'ConfigMap/pgmeta-system/pgmeta-kube-state-metrics',
      'ConfigMap/pgmeta-system/pgmeta-postgresql-dashboard',
      'ConfigMap/pgmeta-system/pgmeta-restore-drill-metrics',
      'PrometheusRule/pgmeta-system/pgmeta-postgresql',
    ]);
  });
});
