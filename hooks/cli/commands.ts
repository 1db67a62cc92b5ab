/**
 * The command table: name, one-line summary, usage, flags, and the module that runs it (loaded
 * only when the command runs, lazy.ts). help.ts prints it; completion.ts completes from it.
 */
import type { PostgresClusterSpec } from '../generated/postgrescluster.types.js';
import type { FlagSpec, Parsed } from './args.js';
import type { CliIo } from './io.js';

export type Run = (p: Parsed, io: CliIo) => Promise<number>;

export interface Command {
  name: string;
  summary: string;
  usage: string;
  flags: FlagSpec;
  /** Module path (relative to this directory) and export name. */
  module: string;
  run: string;
  /** Whether the first positional is a PostgresCluster name (completion lists clusters). */
  cluster: boolean;
}

const API = ['-n', '--namespace', '--context', '--kubeconfig'];
const WAIT = { values: [...API, '--timeout'], booleans: ['--wait'] };

/** What `rotate --user` takes: the keys of `spec.credentialRotation` (here, so help and completion need no hook code). */
export type Credential = keyof NonNullable<PostgresClusterSpec['credentialRotation']>;
export const CREDENTIALS = [
  'app',
  'superuser',
  'replication',
  'pooler',
  'monitoring',
] as const satisfies readonly Credential[];

export const COMMANDS: readonly Command[] = [
  {
    name: 'status',
    summary: 'phase and why, members, endpoints, operations, backups of a cluster',
    usage: 'status CLUSTER [-n NS] [-o text|json|yaml]',
    flags: { values: [...API, '-o', '--output'], booleans: [] },
    module: './status/command.js',
    run: 'status',
    cluster: true,
  },
  {
    name: 'switchover',
    summary: 'move the primary to another member (Patroni switchover)',
    usage: 'switchover CLUSTER [--to MEMBER] [--wait] [--timeout 10m]',
    flags: { values: [...WAIT.values, '--to'], booleans: WAIT.booleans },
    module: './ops/switchover.js',
    run: 'switchover',
    cluster: true,
  },
  {
    name: 'restart',
    summary: 'restart the members one at a time (annotation pgmeta.io/restartedAt)',
    usage: 'restart CLUSTER [--wait] [--timeout 30m]',
    flags: { values: [...WAIT.values, '--member'], booleans: WAIT.booleans },
    module: './ops/restart.js',
    run: 'restart',
    cluster: true,
  },
  {
    name: 'backup',
    summary: 'take a base backup now (creates a PostgresBackup)',
    usage: 'backup CLUSTER [--name NAME] [--wait] [--timeout 1h]',
    flags: { values: [...WAIT.values, '--name'], booleans: WAIT.booleans },
    module: './ops/backup.js',
    run: 'backup',
    cluster: true,
  },
  {
    name: 'rotate',
    summary: 'rotate a credential (spec.credentialRotation.<credential> raised by one)',
    usage: `rotate CLUSTER --user ${CREDENTIALS.join('|')} [--wait] [--timeout 30m]`,
    flags: { values: [...WAIT.values, '--user'], booleans: WAIT.booleans },
    module: './ops/rotate.js',
    run: 'rotate',
    cluster: true,
  },
  {
    name: 'pause',
    summary: 'freeze every child (spec.paused: true)',
    usage: 'pause CLUSTER [--wait] [--timeout 5m]',
    flags: WAIT,
    module: './ops/toggle.js',
    run: 'pause',
    cluster: true,
  },
  {
    name: 'resume',
    summary: 'undo pause (spec.paused removed)',
    usage: 'resume CLUSTER [--wait] [--timeout 5m]',
    flags: WAIT,
    module: './ops/toggle.js',
    run: 'resume',
    cluster: true,
  },
  {
    name: 'stop',
    summary: 'stop every member, keeping volumes (spec.stopped: true)',
    usage: 'stop CLUSTER [--wait] [--timeout 10m]',
    flags: WAIT,
    module: './ops/toggle.js',
    run: 'stop',
    cluster: true,
  },
  {
    name: 'start',
    summary: 'start a stopped cluster on the same data (spec.stopped removed)',
    usage: 'start CLUSTER [--wait] [--timeout 10m]',
    flags: WAIT,
    module: './ops/toggle.js',
    run: 'start',
    cluster: true,
  },
  {
    name: 'psql',
    summary: 'an interactive psql in the primary (or a replica)',
    usage: 'psql CLUSTER [--replica] [-- PSQL ARGS]',
    flags: { values: API, booleans: ['--replica'] },
    module: './exec/psql.js',
    run: 'psql',
    cluster: true,
  },
  {
    name: 'logs',
    summary: 'Patroni and PostgreSQL logs of the members',
    usage: 'logs CLUSTER [--member M] [-f|--follow] [--tail N] [--postgres]',
    flags: { values: [...API, '--member', '--tail'], booleans: ['-f', '--follow', '--postgres'] },
    module: './exec/logs.js',
    run: 'logs',
    cluster: true,
  },
  {
    name: 'report',
    summary: 'objects, status, events and logs for a support request, secrets redacted',
    usage: 'report CLUSTER -o report.tar.gz',
    flags: { values: [...API, '-o', '--output'], booleans: [] },
    module: './report/command.js',
    run: 'report',
    cluster: true,
  },
  {
    name: 'render',
    summary: 'print the children the hooks would create (offline)',
    usage: 'render -f FILE [--key-file KEY] [--status]',
    flags: { values: ['-f', '--filename', '--key-file'], booleans: ['--status'] },
    module: './offline/command.js',
    run: 'render',
    cluster: false,
  },
  {
    name: 'validate',
    summary: 'report spec errors with field paths (offline)',
    usage: 'validate -f FILE',
    flags: { values: ['-f', '--filename'], booleans: [] },
    module: './offline/command.js',
    run: 'validate',
    cluster: false,
  },
  {
    name: 'completion',
    summary: 'shell completion script',
    usage: 'completion bash|zsh',
    flags: { values: [], booleans: [] },
    module: './completion.js',
    run: 'completion',
    cluster: false,
  },
];

export function findCommand(name: string | undefined): Command | undefined {
  return COMMANDS.find((c) => c.name === name);
}
